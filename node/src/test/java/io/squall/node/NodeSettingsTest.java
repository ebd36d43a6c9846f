package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.SerializationExtension;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import io.squall.persistence.Replication;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void shouldDefaultToACleanLocalNode() {
    NodeSettings settings = NodeSettings.create(ConfigFactory.load());

    assertEquals(NodeSettings.Join.SELF, settings.join());
    assertEquals("127.0.0.1:9092", settings.kafkaBootstrapServers());
    assertEquals(8080, settings.http().port());
  }

  @Test
  void shouldRejectAnUnknownJoinModeNamingTheKey() {
    ConfigException error =
        assertThrows(
            ConfigException.class, () -> NodeSettings.create(with("squall.cluster.join = magic")));

    assertTrue(error.getMessage().contains("squall.cluster.join"), error.getMessage());
    assertTrue(error.getMessage().contains("'magic'"), error.getMessage());
  }

  @Test
  void shouldRejectSeedNodeJoinWithoutSeedNodes() {
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () -> NodeSettings.create(with("squall.cluster.join = seed-nodes")));

    assertTrue(error.getMessage().contains("SQUALL_SEED_NODES"), error.getMessage());
  }

  @Test
  void shouldRejectAPortOutOfRangeNamingTheKey() {
    ConfigException error =
        assertThrows(
            ConfigException.class, () -> NodeSettings.create(with("squall.http.port = 70000")));

    assertTrue(error.getMessage().contains("squall.http.port"), error.getMessage());
  }

  @Test
  void shouldNameTheVariableOfAPortThatIsNoNumberBeforeTheNodeStarts() {
    Map<String, String> variables =
        Map.of(
            "squall.http.port", "SQUALL_HTTP_PORT",
            "akka.management.http.port", "SQUALL_MANAGEMENT_PORT",
            "akka.remote.artery.canonical.port", "SQUALL_REMOTE_PORT");
    for (Map.Entry<String, String> port : variables.entrySet()) {
      for (String wrong : List.of("notaport", "70000", "-1")) {
        Config config = with(port.getKey() + " = \"" + wrong + "\"");
        ConfigException error =
            assertThrows(ConfigException.class, () -> NodeConfig.withEnvironment(Map.of(), config));

        assertEquals(
            "Invalid value at '"
                + port.getKey()
                + "': must be a port number (0-65535), was \""
                + wrong
                + "\" ("
                + port.getValue()
                + ")",
            error.getMessage());
      }
    }
    ConfigException error =
        assertThrows(
            ConfigException.class, () -> NodeSettings.create(with("squall.http.port = notaport")));
    assertTrue(error.getMessage().contains("SQUALL_HTTP_PORT"), error.getMessage());
  }

  @Test
  void shouldNameTheMissingKeyFileOfRemotingOverTls() {
    ConfigException error =
        assertThrows(
            ConfigException.class,
            () ->
                NodeSettings.create(
                    with(
                        "akka.remote.artery.transport = tls-tcp\n"
                            + "akka.remote.artery.ssl.rotating-keys-engine.key-file"
                            + " = /nonexistent/squall-tls/tls.key")));

    assertTrue(error.getMessage().contains("/nonexistent/squall-tls/tls.key"), error.getMessage());
    assertTrue(error.getMessage().contains("SQUALL_REMOTE_TLS_DIR"), error.getMessage());
  }

  @Test
  void shouldTakeListsFromCommaSeparatedEnvironmentVariables() {
    Config config =
        NodeConfig.withEnvironment(
            Map.of(
                "SQUALL_CASSANDRA_CONTACT_POINTS", "cass-0:9042, cass-1:9042",
                "SQUALL_SEED_NODES", "akka://Squall@10.0.0.1:25520"),
            ConfigFactory.load());

    assertEquals(
        List.of("cass-0:9042", "cass-1:9042"),
        config.getStringList("datastax-java-driver.basic.contact-points"));
    assertEquals(
        List.of("akka://Squall@10.0.0.1:25520"), config.getStringList("akka.cluster.seed-nodes"));
  }

  @Test
  void shouldSetAkkasLogLevelFromTheLogbackLevelInTheEnvironment() {
    assertEquals(
        "WARNING",
        NodeConfig.withEnvironment(Map.of("SQUALL_LOG_LEVEL", "warn"), ConfigFactory.load())
            .getString("akka.loglevel"));
    assertEquals(
        "DEBUG",
        NodeConfig.withEnvironment(Map.of("SQUALL_LOG_LEVEL", "TRACE"), ConfigFactory.load())
            .getString("akka.loglevel"));
    assertEquals(
        "INFO",
        NodeConfig.withEnvironment(Map.of(), ConfigFactory.load()).getString("akka.loglevel"));
    for (Map<String, String> wrong :
        List.of(
            Map.of("SQUALL_LOG_LEVEL", "loud"),
            // Akka's spelling: Logback would read it as DEBUG
            Map.of("SQUALL_LOG_LEVEL", "WARNING"),
            Map.of("SQUALL_LOG_FORMAT", "JSON"),
            Map.of("SQUALL_ACCESS_LOG", "no"))) {
      ConfigException error =
          assertThrows(
              ConfigException.class, () -> NodeConfig.withEnvironment(wrong, ConfigFactory.load()));
      String variable = wrong.keySet().iterator().next();
      assertTrue(error.getMessage().contains(variable), error.getMessage());
      assertTrue(error.getMessage().contains("'" + wrong.get(variable) + "'"), error.getMessage());
    }
  }

  @Test
  void shouldReplicateEveryKeyspaceOverTheDataCentersNamedInTheEnvironment() {
    Config config =
        NodeConfig.withEnvironment(
            Map.of("SQUALL_CASSANDRA_DATA_CENTERS", "eu-west:3, us-east:2"), ConfigFactory.load());

    assertEquals(
        "{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 2}",
        Replication.create(config).cql());
    assertEquals(
        List.of("eu-west:3", "us-east:2"),
        config.getStringList(
            "akka.persistence.cassandra.snapshot.data-center-replication-factors"));
    assertEquals(
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        Replication.create(ConfigFactory.load()).cql());
  }

  @Test
  void shouldRejectADataCenterWithoutItsReplicationFactor() {
    Config config =
        NodeConfig.withEnvironment(
            Map.of("SQUALL_CASSANDRA_DATA_CENTERS", "eu-west"), ConfigFactory.load());

    ConfigException error = assertThrows(ConfigException.class, () -> Replication.create(config));

    assertTrue(error.getMessage().contains("\"dc1:3\""), error.getMessage());
    assertTrue(error.getMessage().contains("'eu-west'"), error.getMessage());
  }

  @Test
  void shouldWriteReadingsInCborForARollingUpgradeWhenTheEnvironmentAsks() {
    Device.ReadingsRecorded event =
        new Device.ReadingsRecorded(
            1,
            "725030:14732",
            List.of(
                new Reading(
                    "725030:14732", Instant.parse("2008-01-01T00:00:00Z"), Map.of("t", 5.0))),
            0,
            "readings-0",
            7L);

    assertEquals("ReadingsSerializer", serializerOf(event, Map.of()));
    assertEquals(
        "ReadingsSerializer", serializerOf(event, Map.of("SQUALL_EVENT_FORMAT", "compact")));
    assertEquals(
        "JacksonCborSerializer", serializerOf(event, Map.of("SQUALL_EVENT_FORMAT", "cbor")));
    ConfigException wrong =
        assertThrows(
            ConfigException.class,
            () ->
                NodeConfig.withEnvironment(
                    Map.of("SQUALL_EVENT_FORMAT", "CBOR"), ConfigFactory.load()));
    assertTrue(
        wrong.getMessage().contains("'SQUALL_EVENT_FORMAT': 'CBOR' is neither compact nor cbor"),
        wrong.getMessage());
  }

  /** The serializer a node with {@code env} writes {@code event} with. */
  private static String serializerOf(Object event, Map<String, String> env) {
    Config config =
        ConfigFactory.parseString(
                "akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off")
            .withFallback(NodeConfig.withEnvironment(env, ConfigFactory.load()));
    ActorTestKit testKit = ActorTestKit.create("NodeSettingsTest", config);
    try {
      return SerializationExtension.get(testKit.system())
          .findSerializerFor(event)
          .getClass()
          .getSimpleName();
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
