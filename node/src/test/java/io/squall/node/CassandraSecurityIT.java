package io.squall.node;

import static io.squall.node.NodeHttp.api;
import static io.squall.node.NodeHttp.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.stream.javadsl.Sink;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceJournal;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Squall on a Cassandra that demands TLS with a client certificate and a password: a second,
 * private Cassandra started by {@code bin/infra start cassandra --cassandra-auth --cassandra-tls}
 * on ports of its own. With its CA trusted, Squall's certificate shown and the right credentials,
 * the schema command and a device's journal work; each wrong setting is named: a wrong password (in
 * the command, and in a node's health, readiness and log), an untrusted CA, no certificate.
 */
class CassandraSecurityIT {
  private static final String CONTACT_POINT = "127.0.0.1:19042";
  private static final String STATION = "724940:23234";
  private static final Path STATE = Path.of("target/cassandra-security").toAbsolutePath();
  private static final Path TLS = STATE.resolve("tls");
  private static final Map<String, String> INFRA =
      Map.of(
          "SQUALL_STATE_DIR", STATE.toString(),
          "SQUALL_CASSANDRA_PORT", "19042",
          "SQUALL_CASSANDRA_STORAGE_PORT", "17000",
          "SQUALL_CASSANDRA_JMX_PORT", "17199",
          "SQUALL_CASSANDRA_HEAP", "512M");

  @BeforeAll
  static void startCassandraWithPasswordsAndTls() throws Exception {
    // the build's own cache: the classpaths of Cassandra and the probe are not fetched again
    String buildState = System.getenv("SQUALL_STATE_DIR");
    Path cache =
        buildState != null
            ? Path.of(buildState, "cache")
            : LocalInfra.projectDir().resolve(".squall/cache");
    Path ownCache = STATE.resolve("cache");
    Files.createDirectories(ownCache);
    for (String file : List.of("cassandra.classpath", "probe.classpath")) {
      if (Files.exists(cache.resolve(file))) {
        Files.copy(
            cache.resolve(file), ownCache.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    LocalInfra.infra(INFRA, "start", "cassandra", "--cassandra-auth", "--cassandra-tls");
  }

  @AfterAll
  static void stopCassandra() {
    LocalInfra.infra(INFRA, "stop", "cassandra");
  }

  @Test
  void shouldCreateTheSchemaAndWriteAndReadAJournalOverMutualTls() throws Exception {
    String keyspace = LocalInfra.uniqueName("it_security");
    TestNode.Ran schema = schema(keyspace, Map.of());
    assertEquals(0, schema.exitCode(), schema.err());
    assertTrue(schema.out().contains("Squall's schema is complete."), schema.out());

    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "akka.persistence.cassandra.journal.keyspace-autocreate = false",
                    "akka.persistence.cassandra.journal.tables-autocreate = false"))
            .withFallback(secured("cassandra", true, true))
            .withFallback(LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(keyspace)));
    List<Reading> day = NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 24);
    ActorTestKit node = ActorTestKit.create("CassandraSecurityIT", config);
    try {
      LocalInfra.joinSelf(node.system());
      Device.init(node.system(), DeviceProjection.NONE);
      Device.Recorded recorded =
          ClusterSharding.get(node.system())
              .entityRefFor(Device.ENTITY_KEY, STATION)
              .<Device.Recorded>askWithStatus(
                  replyTo -> new Device.Record(List.copyOf(day), Device.Origin.NONE, replyTo),
                  Duration.ofSeconds(30))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertEquals(24, recorded.recorded(), recorded.toString());
      List<String> events =
          DeviceJournal.events(node.system(), STATION, null, null)
              .map(DeviceJournal::toJson)
              .runWith(Sink.seq(), node.system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertEquals(1, events.size(), "the batch is one event in the journal");
    } finally {
      node.shutdownTestKit();
    }
  }

  @Test
  void shouldSayCassandraRefusedSquallsCredentialsWithAWrongPassword() throws Exception {
    TestNode.Ran schema =
        schema(
            LocalInfra.uniqueName("it_security_wrong"),
            Map.of("SQUALL_CASSANDRA_PASSWORD", "not-the-password"));
    assertEquals(1, schema.exitCode(), schema.out());
    assertTrue(
        schema
            .err()
            .contains(
                "squall schema: Cassandra at "
                    + CONTACT_POINT
                    + " refused Squall's credentials (authentication failed"),
        schema.err());
    assertFalse(schema.err().contains("not-the-password"), "the password is never shown");
  }

  @Test
  void shouldSayInHealthReadinessAndLogThatCassandraRefusedANodesCredentials() throws Exception {
    int managementPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      managementPort = socket.getLocalPort();
    }
    Config config =
        secured("not-the-password", true, true)
            .withFallback(
                TestNode.config(
                    "it_security_node",
                    "squall.http.health-timeout = 3s",
                    "squall.cluster.management = on",
                    "akka.management.http.hostname = 127.0.0.1",
                    "akka.management.http.port = " + managementPort))
            .resolve();
    String refused = "Cassandra at " + CONTACT_POINT + " refused Squall's credentials";
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(log);
    ActorTestKit testKit = ActorTestKit.create("CassandraRefusedIT", config);
    try {
      String api = api(Main.init(testKit.system(), NodeSettings.create(config)));
      String health = awaitStatus(api + "/health", 503, b -> b.contains(refused)).body();
      assertTrue(health.contains("cassandra is unavailable: " + refused), health);
      String ready =
          awaitStatus(
                  "http://127.0.0.1:" + managementPort + "/ready", 503, b -> b.contains(refused))
              .body();
      assertTrue(ready.contains("cassandra is down: " + refused), ready);
      // the node logs why it waits, after its first attempts and every 30 s while refused
      String waiting = "Squall is waiting to start the aggregate tables on Cassandra: " + refused;
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      while (logged(log).stream().noneMatch(line -> line.startsWith(waiting))
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(
          logged(log).stream().anyMatch(line -> line.startsWith(waiting)),
          String.join("\n", logged(log)));
      assertFalse(
          health.contains("not-the-password") || ready.contains("not-the-password"),
          "the password is never shown");
    } finally {
      root.detachAppender(log);
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  @Test
  void shouldSayItDoesNotTrustCassandrasCertificateWithoutItsCa() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SQUALL_CASSANDRA_TRUSTSTORE", "");
    TestNode.Ran schema = schema(LocalInfra.uniqueName("it_security_ca"), env);
    assertEquals(1, schema.exitCode(), schema.out());
    assertTrue(
        schema
            .err()
            .contains(
                "squall schema: Squall does not trust the TLS certificate of Cassandra at "
                    + CONTACT_POINT),
        schema.err());
    assertTrue(
        schema.err().contains("its CA must be in SQUALL_CASSANDRA_TRUSTSTORE"), schema.err());
  }

  @Test
  void shouldSayCassandraRefusedItWithoutACertificate() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SQUALL_CASSANDRA_KEYSTORE", "");
    TestNode.Ran schema = schema(LocalInfra.uniqueName("it_security_cert"), env);
    assertEquals(1, schema.exitCode(), schema.out());
    assertTrue(
        schema
            .err()
            .contains(
                "squall schema: Cassandra at "
                    + CONTACT_POINT
                    + " refused Squall's TLS certificate"),
        schema.err());
  }

  private static List<String> logged(ListAppender<ILoggingEvent> log) {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** A node's settings for the private Cassandra, as configuration keys. */
  private static Config secured(String password, boolean trustTheCa, boolean showACertificate) {
    String ssl = "datastax-java-driver.advanced.ssl-engine-factory.";
    return ConfigFactory.parseString(
        String.join(
            "\n",
            "datastax-java-driver.basic.contact-points = [\"" + CONTACT_POINT + "\"]",
            "datastax-java-driver.advanced.auth-provider.username = cassandra",
            "datastax-java-driver.advanced.auth-provider.password = \"" + password + "\"",
            "squall.cassandra.tls = on",
            trustTheCa ? ssl + "truststore-path = \"" + TLS.resolve("truststore.p12") + "\"" : "",
            trustTheCa ? ssl + "truststore-password = squall-tls" : "",
            showACertificate ? ssl + "keystore-path = \"" + TLS.resolve("client.p12") + "\"" : "",
            showACertificate ? ssl + "keystore-password = squall-tls" : ""));
  }

  /**
   * {@code squall schema} as its own process, configured by the environment as a user would: TLS
   * with Squall's certificate and the right password, but for {@code overrides} (an empty value
   * leaves a variable unset).
   */
  private static TestNode.Ran schema(String keyspace, Map<String, String> overrides)
      throws Exception {
    return TestNode.run(
        env -> {
          env.put("SQUALL_CASSANDRA_CONTACT_POINTS", CONTACT_POINT);
          env.put("SQUALL_CASSANDRA_USERNAME", "cassandra");
          env.put("SQUALL_CASSANDRA_PASSWORD", "cassandra");
          env.put("SQUALL_CASSANDRA_TLS", "true");
          env.put("SQUALL_CASSANDRA_TRUSTSTORE", TLS.resolve("truststore.p12").toString());
          env.put("SQUALL_CASSANDRA_TRUSTSTORE_PASSWORD", "squall-tls");
          env.put("SQUALL_CASSANDRA_KEYSTORE", TLS.resolve("client.p12").toString());
          env.put("SQUALL_CASSANDRA_KEYSTORE_PASSWORD", "squall-tls");
          env.put("SQUALL_JOURNAL_KEYSPACE", keyspace + "_journal");
          env.put("SQUALL_SNAPSHOT_KEYSPACE", keyspace + "_snapshot");
          env.put("SQUALL_KEYSPACE", keyspace + "_aggr");
          overrides.forEach(
              (name, value) -> {
                if (value.isEmpty()) {
                  env.remove(name);
                  env.remove(name + "_PASSWORD");
                } else {
                  env.put(name, value);
                }
              });
        },
        "schema");
  }
}
