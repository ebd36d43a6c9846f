package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.typesafe.config.Config;
import io.squall.persistence.Device;
import io.squall.persistence.testing.LocalInfra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Two nodes split the partitions, host the shards of the partitions they consume, and hand over.
 */
class TwoNodesIT {
  private static final int DEVICES = 64;
  private static final int PARTITIONS = 8;

  @Test
  void shouldHostEachDeviceOnTheNodeThatConsumesItsPartitionAndHandOverWhenOneLeaves()
      throws Exception {
    Config world = IngestNode.world("it_two_nodes");
    Path first = readings(0, 100, 0);
    Path second = readings(100, 100, 20);
    try (IngestNode a = IngestNode.start(world, null);
        Admin admin = admin()) {
      IngestNode b = IngestNode.start(world, a);
      try {
        String group = a.settings.groupId();
        IngestNode.await(
            Duration.ofSeconds(60),
            () -> assignment(admin, group).size() == 2,
            "both nodes consume a share of the partitions");

        a.load(first);
        a.awaitAccounted(expect(100), Duration.ofMinutes(2));

        IngestNode.await(
            Duration.ofSeconds(60),
            () -> colocated(admin, group, List.of(a, b)),
            "every device's entity runs on the node that consumes its partition");
        Map<String, Set<Integer>> split = assignment(admin, group);
        for (Set<Integer> partitions : split.values()) {
          assertFalse(partitions.isEmpty(), "each node has partitions: " + split);
        }
      } finally {
        b.close();
      }

      IngestNode.await(
          Duration.ofSeconds(60),
          () -> {
            Map<String, Set<Integer>> now = assignment(admin, a.settings.groupId());
            return now.size() == 1 && now.values().iterator().next().size() == PARTITIONS;
          },
          "the remaining node consumes every partition");
      a.load(second);
      Map<String, Device.Summary> states = a.awaitAccounted(expect(220), Duration.ofMinutes(2));
      for (Device.Summary state : states.values()) {
        assertEquals(200, state.readings(), state.id());
        assertEquals(20, state.duplicates(), state.id());
      }
      IngestNode.await(
          Duration.ofSeconds(60),
          () -> colocated(admin, a.settings.groupId(), List.of(a)),
          "every entity now runs on the remaining node");
    } finally {
      Files.delete(first);
      Files.delete(second);
    }
  }

  private static Map<String, Long> expect(long accounted) {
    Map<String, Long> expected = new HashMap<>();
    for (int d = 0; d < DEVICES; d++) {
      expected.put(device(d), accounted);
    }
    return expected;
  }

  private static String device(int d) {
    return "sensor-" + d;
  }

  /** JSON lines: hours [from, from+count) of every device, then the first {@code repeats} again. */
  private static Path readings(int from, int count, int repeats) throws Exception {
    List<String> lines = new ArrayList<>();
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    for (int d = 0; d < DEVICES; d++) {
      for (int h = from; h < from + count; h++) {
        lines.add(json(d, start.plusSeconds(3600L * h), h));
      }
    }
    for (int d = 0; d < DEVICES; d++) {
      for (int h = from; h < from + repeats; h++) {
        lines.add(json(d, start.plusSeconds(3600L * h), -1));
      }
    }
    Path file = Files.createTempFile("two-nodes", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static String json(int device, Instant at, double value) {
    return "{\"device\":\""
        + device(device)
        + "\",\"timestamp\":\""
        + at
        + "\",\"metrics\":{\"load\":"
        + value
        + "}}";
  }

  private static Admin admin() {
    Properties props = new Properties();
    props.put("bootstrap.servers", LocalInfra.kafkaBootstrapServers());
    return Admin.create(props);
  }

  /** Consumer client id → partitions it is assigned. */
  private static Map<String, Set<Integer>> assignment(Admin admin, String group) {
    try {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      Map<String, Set<Integer>> result = new HashMap<>();
      for (MemberDescription member : description.members()) {
        Set<Integer> partitions = new HashSet<>();
        for (TopicPartition tp : member.assignment().topicPartitions()) {
          partitions.add(tp.partition());
        }
        result.put(member.clientId(), partitions);
      }
      return result;
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** Whether every node hosts exactly the device entities of the partitions it consumes. */
  private static boolean colocated(Admin admin, String group, List<IngestNode> nodes) {
    Map<String, Set<Integer>> assignment = assignment(admin, group);
    if (assignment.size() != nodes.size()) {
      return false;
    }
    for (IngestNode node : nodes) {
      Set<Integer> consumed = assignment.get(clientIdOf(node));
      if (consumed == null) {
        return false;
      }
      for (ShardRegion.ShardState shard : hostedShards(node)) {
        int partition = Integer.parseInt(shard.shardId());
        if (!consumed.contains(partition)) {
          return false;
        }
        for (String entity : shard.getEntityIds()) {
          if (partitionOf(entity) != partition) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static String clientIdOf(IngestNode node) {
    var self = akka.cluster.typed.Cluster.get(node.testKit.system()).selfMember().address();
    return "squall-" + self.host().get() + "-" + self.port().get();
  }

  private static int partitionOf(String deviceId) {
    return Utils.toPositive(Utils.murmur2(deviceId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  private static Set<ShardRegion.ShardState> hostedShards(IngestNode node) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = node.testKit.createTestProbe();
    ClusterSharding.get(node.testKit.system())
        .shardState()
        .tell(new GetShardRegionState(Device.ENTITY_KEY, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getShards();
  }
}
