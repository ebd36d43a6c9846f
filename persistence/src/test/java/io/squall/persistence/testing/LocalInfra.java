package io.squall.persistence.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where the build's real Kafka and Cassandra listen (started once per build by {@code bin/infra}),
 * and configuration that points an ActorSystem at them with a keyspace of its own.
 */
public final class LocalInfra {
  private LocalInfra() {}

  public static String kafkaBootstrapServers() {
    return System.getProperty("squall.kafka.bootstrap-servers", "127.0.0.1:9092");
  }

  /** The build's Kafka's SASL_PLAINTEXT listener: PLAIN, user squall, password squall-secret. */
  public static String kafkaSaslBootstrapServers() {
    return System.getProperty("squall.kafka.sasl.bootstrap-servers", "127.0.0.1:9094");
  }

  public static String kafkaTlsBootstrapServers() {
    return System.getProperty("squall.kafka.tls.bootstrap-servers", "127.0.0.1:9095");
  }

  /**
   * Where {@code bin/infra} keeps the local CA and certificates of the build's TLS listeners:
   * {@code truststore.p12}, {@code client.p12}, password {@code squall-tls}.
   */
  public static Path tlsDir() {
    String state = System.getenv("SQUALL_STATE_DIR");
    return (state != null ? Path.of(state) : projectDir().resolve(".squall")).resolve("tls");
  }

  /** Whether something accepts connections at {@code hostPort} (host:port) right now. */
  public static boolean listening(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(
          new java.net.InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1_000);
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }

  public static String cassandraContactPoint() {
    return System.getProperty("squall.cassandra.contact-point", "127.0.0.1:9042");
  }

  /** The project's root folder, where {@code bin/} lives. */
  public static Path projectDir() {
    String dir = System.getProperty("squall.project.dir");
    return dir != null ? Path.of(dir) : Path.of("..").toAbsolutePath().normalize();
  }

  /** A name no other test uses: tests never depend on one another's data or order. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * Journal and snapshot store on the real Cassandra, in keyspaces named after {@code keyspace}, on
   * top of the module's own configuration files.
   */
  public static Config cassandraPersistence(String keyspace) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.persistence.cassandra.journal.keyspace = " + keyspace + "_journal",
                "akka.persistence.cassandra.snapshot.keyspace = " + keyspace + "_snapshot",
                "datastax-java-driver.basic.contact-points = [\"" + cassandraContactPoint() + "\"]",
                "akka.loglevel = INFO",
                "akka.log-dead-letters-during-shutdown = off",
                "akka.log-dead-letters = off",
                "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
                "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\""))
        .withFallback(ConfigFactory.parseResources("persistence.conf"))
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** A cluster member of its own on a free port, on top of {@code config}. */
  public static Config clusterOfOne(Config config) {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "akka.actor.provider = cluster",
                "akka.remote.artery.canonical.hostname = 127.0.0.1",
                "akka.remote.artery.canonical.port = 0",
                "akka.cluster.jmx.multi-mbeans-in-same-jvm = on",
                "akka.coordinated-shutdown.exit-jvm = off",
                "akka.actor.testkit.typed.system-shutdown-default = 60s"))
        .withFallback(config);
  }

  /** Joins {@code system} to itself and waits until it is an Up member. */
  public static void joinSelf(akka.actor.typed.ActorSystem<?> system) {
    akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(system);
    cluster.manager().tell(akka.cluster.typed.Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (cluster.selfMember().status() != akka.cluster.MemberStatus.up()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the node did not join its own cluster in 30 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Runs {@code bin/infra ARGS} (for instance {@code stop cassandra}) with the build's ports and
   * fails the test if it does not succeed.
   */
  public static void infra(String... args) {
    infra(java.util.Map.of(), args);
  }

  /** {@code bin/infra ARGS} with {@code env} on top of the build's (another state dir, ports). */
  public static void infra(java.util.Map<String, String> env, String... args) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(projectDir().resolve("bin/infra").toString());
    command.addAll(java.util.List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)
          || process.exitValue() != 0) {
        throw new IllegalStateException("bin/infra " + String.join(" ", args) + " failed");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
