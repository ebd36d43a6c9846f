package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceJournal;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Squall on a Cassandra that demands a password: a second, private Cassandra started by {@code
 * bin/infra start cassandra --cassandra-auth} on ports of its own. With the right credentials the
 * schema command and a device's journal work; with a wrong password the command says Cassandra
 * refused Squall's credentials.
 */
class CassandraAuthIT {
  private static final String CONTACT_POINT = "127.0.0.1:19042";
  private static final String STATION = "724940:23234";
  private static final Map<String, String> INFRA =
      Map.of(
          "SQUALL_STATE_DIR", Path.of("target/cassandra-auth").toAbsolutePath().toString(),
          "SQUALL_CASSANDRA_PORT", "19042",
          "SQUALL_CASSANDRA_STORAGE_PORT", "17000",
          "SQUALL_CASSANDRA_JMX_PORT", "17199",
          "SQUALL_CASSANDRA_HEAP", "512M");

  @BeforeAll
  static void startCassandraWithPasswords() throws Exception {
    // the build's own cache: the classpaths of Cassandra and the probe are not fetched again
    String buildState = System.getenv("SQUALL_STATE_DIR");
    Path cache =
        buildState != null
            ? Path.of(buildState, "cache")
            : LocalInfra.projectDir().resolve(".squall/cache");
    Path ownCache = Path.of(INFRA.get("SQUALL_STATE_DIR"), "cache");
    Files.createDirectories(ownCache);
    for (String file : List.of("cassandra.classpath", "probe.classpath")) {
      if (Files.exists(cache.resolve(file))) {
        Files.copy(
            cache.resolve(file), ownCache.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    LocalInfra.infra(INFRA, "start", "cassandra", "--cassandra-auth");
  }

  @AfterAll
  static void stopCassandra() {
    LocalInfra.infra(INFRA, "stop", "cassandra");
  }

  @Test
  void shouldCreateTheSchemaAndWriteAndReadAJournalWithTheRightCredentials() throws Exception {
    String keyspace = LocalInfra.uniqueName("it_auth");
    Ran schema = schema(keyspace, "cassandra");
    assertEquals(0, schema.exitCode(), schema.err());
    assertTrue(schema.out().contains("Squall's schema is complete."), schema.out());

    Config config =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "datastax-java-driver.basic.contact-points = [\"" + CONTACT_POINT + "\"]",
                    "datastax-java-driver.advanced.auth-provider.username = cassandra",
                    "datastax-java-driver.advanced.auth-provider.password = cassandra",
                    "akka.persistence.cassandra.journal.keyspace-autocreate = false",
                    "akka.persistence.cassandra.journal.tables-autocreate = false"))
            .withFallback(LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(keyspace)));
    List<Reading> day = NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 24);
    ActorTestKit node = ActorTestKit.create("CassandraAuthIT", config);
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
    Ran schema = schema(LocalInfra.uniqueName("it_auth_wrong"), "not-the-password");
    assertEquals(1, schema.exitCode(), schema.out());
    assertTrue(
        schema
            .err()
            .contains(
                "squall schema: Cassandra at "
                    + CONTACT_POINT
                    + " refused Squall's credentials (authentication failed"),
        schema.err());
    assertTrue(!schema.err().contains("not-the-password"), "the password is never shown");
  }

  private record Ran(int exitCode, String out, String err) {}

  /** {@code squall schema} as its own process, configured by the environment as a user would. */
  private static Ran schema(String keyspace, String password) throws Exception {
    Path out = Files.createTempFile("schema", ".out");
    Path err = Files.createTempFile("schema", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(TestNode.cli("schema"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.put("SQUALL_CASSANDRA_CONTACT_POINTS", CONTACT_POINT);
    env.put("SQUALL_CASSANDRA_USERNAME", "cassandra");
    env.put("SQUALL_CASSANDRA_PASSWORD", password);
    env.put("SQUALL_JOURNAL_KEYSPACE", keyspace + "_journal");
    env.put("SQUALL_SNAPSHOT_KEYSPACE", keyspace + "_snapshot");
    env.put("SQUALL_KEYSPACE", keyspace + "_aggr");
    Process process = builder.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "squall schema finished");
    Ran ran =
        new Ran(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return ran;
  }
}
