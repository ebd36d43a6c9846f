package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

/** How many replicas the topics Squall creates get, and when Squall warns about it. */
class TopicsTest {
  private static final List<Node> LOCAL = List.of(new Node(1, "127.0.0.1", 9092));
  private static final List<Node> REMOTE =
      List.of(new Node(1, "10.0.0.1", 9092), new Node(2, "10.0.0.2", 9092));

  @Test
  void shouldGiveAutoTopicsThreeReplicasWhereTheClusterHasThem() {
    assertEquals(1, Topics.replicationFor(Optional.empty(), 1));
    assertEquals(2, Topics.replicationFor(Optional.empty(), 2));
    assertEquals(3, Topics.replicationFor(Optional.empty(), 3));
    assertEquals(3, Topics.replicationFor(Optional.empty(), 7));
    assertEquals(5, Topics.replicationFor(Optional.of((short) 5), 7));
  }

  @Test
  void shouldWarnBelowThreeReplicasUnlessEveryBrokerIsLocal() {
    assertEquals(Optional.empty(), Topics.unsafeReplication((short) 1, LOCAL));
    assertEquals(Optional.empty(), Topics.unsafeReplication((short) 3, REMOTE));
    String warning = Topics.unsafeReplication((short) 2, REMOTE).orElseThrow();
    assertTrue(warning.startsWith("each partition has 2 replica(s), so losing those brokers"));
    assertTrue(warning.contains("SQUALL_KAFKA_REPLICATION_FACTOR"), warning);
    List<Node> mixed = List.of(new Node(1, "127.0.0.1", 9092), new Node(2, "10.0.0.2", 9092));
    assertTrue(
        Topics.unsafeReplication((short) 1, mixed)
            .orElseThrow()
            .startsWith("each partition has 1 replica(s), so losing its broker"));
  }

  @Test
  void shouldReadReplicationAsAutoOrANumber() {
    assertEquals(Optional.empty(), replication("auto"));
    assertEquals(Optional.of((short) 2), replication("2"));
    ConfigException word = assertThrows(ConfigException.class, () -> replication("three"));
    assertTrue(
        word.getMessage().contains("must be auto or a number of replicas, was \"three\""),
        word.getMessage());
    ConfigException zero = assertThrows(ConfigException.class, () -> replication("0"));
    assertTrue(
        zero.getMessage().contains("must be auto or from 1 to 32767, was 0"), zero.getMessage());
  }

  private static Optional<Short> replication(String value) {
    return IngestSettings.create(
            ConfigFactory.parseString("squall.ingest.replication-factor = \"" + value + "\"")
                .withFallback(ConfigFactory.parseResources("kafka.conf"))
                .withFallback(ConfigFactory.load())
                .resolve())
        .replicationFactor();
  }
}
