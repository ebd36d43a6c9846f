package io.squall.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.persistence.testing.LocalInfra;
import io.squall.sharding.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A Squall cluster of real node processes on the build's Kafka and Cassandra, with a topic,
 * consumer group and keyspaces of its own, so that tests never depend on one another.
 */
final class SquallCluster implements AutoCloseable {
  static final int PARTITIONS = 8;

  /** Split-brain resolver's stable-after for these tests (the default is 20 s). */
  static final Duration STABLE_AFTER = Duration.ofSeconds(7);

  /**
   * The JVM of a test's node: a small heap, and C1 only, since three nodes start within seconds of
   * each other on a small, busy machine.
   */
  static final List<String> TEST_JVM =
      List.of("-Xmx512m", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1");

  /** How many of a node's last warnings and errors a failed test prints. */
  private static final int LOG_LINES_ON_FAILURE = 40;

  final String name;
  final String topic;
  final String group;
  final String journalKeyspace;
  final String aggregatesKeyspace;
  final List<NodeProcess> nodes = new ArrayList<>();
  final Admin admin;

  /** Where the nodes' logs (and anything else of this cluster's) go. */
  final Path dir;

  /**
   * What every node gets, over its own environment: the build's Kafka and Cassandra (one broker,
   * one node: replication factor 1) and the cluster's topic, group and keyspaces.
   */
  private final Map<String, String> env = new HashMap<>();

  private final List<String> jvmOptions = new ArrayList<>();

  private SquallCluster(String prefix, List<String> jvmOptions) {
    this.name = LocalInfra.uniqueName(prefix);
    this.topic = name;
    this.group = name;
    this.journalKeyspace = name + "_journal";
    this.aggregatesKeyspace = name + "_aggr";
    Properties props = new Properties();
    props.put("bootstrap.servers", LocalInfra.kafkaBootstrapServers());
    props.put("default.api.timeout.ms", "15000");
    props.put("request.timeout.ms", "5000");
    this.admin = Admin.create(props);
    this.dir = Path.of("target", "nodes", name).toAbsolutePath();
    env.put("SQUALL_KAFKA_BOOTSTRAP_SERVERS", LocalInfra.kafkaBootstrapServers());
    env.put("SQUALL_CASSANDRA_CONTACT_POINTS", LocalInfra.cassandraContactPoint());
    env.put("SQUALL_KAFKA_REPLICATION_FACTOR", "1");
    env.put("SQUALL_CASSANDRA_REPLICATION_FACTOR", "1");
    env.put("SQUALL_READINGS_TOPIC", topic);
    env.put("SQUALL_DEAD_LETTER_TOPIC", topic + ".dead-letter");
    env.put("SQUALL_CONSUMER_GROUP", group);
    env.put("SQUALL_JOURNAL_KEYSPACE", journalKeyspace);
    env.put("SQUALL_SNAPSHOT_KEYSPACE", name + "_snapshot");
    env.put("SQUALL_KEYSPACE", aggregatesKeyspace);
    this.jvmOptions.add(
        "-Dakka.cluster.split-brain-resolver.stable-after=" + STABLE_AFTER.toSeconds() + "s");
    this.jvmOptions.addAll(jvmOptions);
    Harness.say("cluster %s: topic, group and keyspaces %s*; node logs under %s", name, name, dir);
  }

  /** Adds {@code size} nodes on 127.0.0.1 that join through {@code akka.cluster.seed-nodes}. */
  private void addSeedNodes(int size) {
    List<Integer> remotePorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      remotePorts.add(Harness.freePort());
    }
    Map<String, String> join = new HashMap<>();
    join.put("SQUALL_CLUSTER_JOIN", "seed-nodes");
    join.put(
        "SQUALL_SEED_NODES",
        remotePorts.stream()
            .map(p -> "akka://Squall@127.0.0.1:" + p)
            .collect(Collectors.joining(",")));
    join.put("SQUALL_REMOTE_HOSTNAME", "127.0.0.1");
    for (int i = 0; i < size; i++) {
      addNode(
          "node-" + (i + 1), "127.0.0.1", remotePorts.get(i), Harness.freePort(), join, List.of());
    }
  }

  /**
   * Adds a node, not started yet: {@code env} with the cluster's environment over it, the cluster's
   * JVM options then {@code jvm}; its HTTP port is a free one.
   */
  NodeProcess addNode(
      String nodeName,
      String host,
      int remotePort,
      int managementPort,
      Map<String, String> env,
      List<String> jvm) {
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(jvm);
    NodeProcess node =
        new NodeProcess(
            nodeName,
            host,
            Harness.freePort(),
            remotePort,
            managementPort,
            environment(env),
            options,
            dir);
    nodes.add(node);
    return node;
  }

  /** {@code env} with the cluster's environment over it. */
  Map<String, String> environment(Map<String, String> env) {
    Map<String, String> result = new HashMap<>(env);
    result.putAll(this.env);
    return result;
  }

  /**
   * Creates the topics, starts every node (JVM {@link #TEST_JVM}) and waits until all are ready.
   */
  static SquallCluster start(String prefix, int size, String... jvmOptions) throws Exception {
    List<String> jvm = new ArrayList<>(TEST_JVM);
    jvm.addAll(List.of(jvmOptions));
    SquallCluster cluster = create(prefix, size, jvm);
    try {
      cluster.startNodes();
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Creates the topics of a cluster whose nodes run on {@code jvm} but are not started yet: a
   * benchmark fills the topic first.
   */
  static SquallCluster create(String prefix, int size, List<String> jvm) throws Exception {
    SquallCluster cluster = new SquallCluster(prefix, jvm);
    cluster.addSeedNodes(size);
    try {
      cluster
          .admin
          .createTopics(
              List.of(
                  new NewTopic(cluster.topic, PARTITIONS, (short) 1),
                  new NewTopic(cluster.topic + ".dead-letter", PARTITIONS, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      Topics.awaitLeaders(
          cluster.admin,
          List.of(cluster.topic, cluster.topic + ".dead-letter"),
          Duration.ofSeconds(30));
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Starts every node and waits until all are Up and ready. */
  void startNodes() {
    for (NodeProcess node : nodes) {
      node.start();
    }
    awaitWhole(nodes.size(), Duration.ofMinutes(3));
  }

  /**
   * Waits until every live node's /ready answers 503 naming {@code dependency} ("kafka",
   * "cassandra"): the outage as a Kubernetes readiness probe sees it.
   */
  void awaitNotReadyNaming(String dependency, Duration timeout) {
    Harness.await(
        timeout,
        Duration.ofMillis(500),
        "every node's /ready answers 503 naming " + dependency,
        () ->
            alive().stream()
                .map(node -> Harness.get(node.management() + "/ready"))
                .allMatch(ready -> ready.status() == 503 && ready.body().contains(dependency)));
    Harness.say("every node's /ready answers 503 naming %s", dependency);
  }

  NodeProcess node(int index) {
    return nodes.get(index);
  }

  List<NodeProcess> alive() {
    return nodes.stream().filter(NodeProcess::isAlive).toList();
  }

  /** Some live node's API. */
  String api() {
    return alive().get(0).api();
  }

  /** Members as one live node sees them: address → status; empty when it does not answer. */
  static Map<String, String> members(NodeProcess node) {
    Harness.Answer answer = Harness.get(node.management() + "/cluster/members");
    Map<String, String> members = new HashMap<>();
    if (answer.status() != 200) {
      return members;
    }
    JsonNode body = answer.json();
    for (JsonNode member : body.get("members")) {
      members.put(member.get("node").asText(), member.get("status").asText());
    }
    if (body.get("unreachable").size() > 0) {
      members.put("unreachable", body.get("unreachable").toString());
    }
    return members;
  }

  /**
   * Waits until every live node sees exactly {@code size} Up members and nothing unreachable,
   * answers health 200, and the consumer group has {@code size} members.
   */
  void awaitWhole(int size, Duration timeout) {
    awaitWhole(null, size, timeout);
  }

  /** As {@link #awaitWhole(int, Duration)}, among {@code members} only (others may be frozen). */
  void awaitWhole(List<NodeProcess> members, Duration timeout) {
    awaitWhole(members, members.size(), timeout);
  }

  private void awaitWhole(List<NodeProcess> among, int size, Duration timeout) {
    long start = System.nanoTime();
    try {
      awaitWhole0(among, size, timeout);
    } catch (AssertionError e) {
      StringBuilder views = new StringBuilder(e.getMessage());
      for (NodeProcess node : nodes) {
        views
            .append("\n  ")
            .append(node.name)
            .append(" (")
            .append(node.address())
            .append(") sees ");
        views.append(node.isAlive() ? members(node) : "nothing: it exited");
        views.append("; log ").append(node.log());
      }
      views.append("\n  consumers: ").append(assignment());
      throw new AssertionError(views.toString(), e);
    }
    Harness.say(
        "cluster whole (%d Up, ready, consuming) after %s",
        size, Harness.seconds(System.nanoTime() - start));
  }

  private void awaitWhole0(List<NodeProcess> among, int size, Duration timeout) {
    Harness.await(
        timeout,
        Duration.ofMillis(500),
        "the cluster is whole: " + size + " Up members, every node ready, " + size + " consumers",
        () -> {
          List<NodeProcess> alive = among != null ? among : alive();
          if (alive.size() != size || !alive.stream().allMatch(NodeProcess::isAlive)) {
            throw new AssertionError(
                "a node exited: "
                    + nodes.stream().filter(n -> !n.isAlive()).map(NodeProcess::log).toList());
          }
          for (NodeProcess node : alive) {
            Map<String, String> members = members(node);
            if (members.size() != size || !members.values().stream().allMatch("Up"::equals)) {
              return false;
            }
            if (Harness.get(node.management() + "/ready").status() != 200) {
              return false;
            }
          }
          return assignment().size() == size;
        });
  }

  /** Consumer client id → partitions of the readings topic it consumes. */
  Map<String, Set<Integer>> assignment() {
    try {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      Map<String, Set<Integer>> result = new HashMap<>();
      for (MemberDescription member : description.members()) {
        Set<Integer> partitions = new HashSet<>();
        for (TopicPartition tp : member.assignment().topicPartitions()) {
          if (tp.topic().equals(topic)) {
            partitions.add(tp.partition());
          }
        }
        result.put(member.clientId(), partitions);
      }
      return result;
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** The consumer group's lag on the readings topic (end offsets minus committed), or -1. */
  long lag() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
      long lag = 0;
      for (var end : ends.entrySet()) {
        OffsetAndMetadata at = committed.get(end.getKey());
        lag += end.getValue().offset() - (at == null ? 0 : at.offset());
      }
      return lag;
    } catch (Exception e) {
      return -1;
    }
  }

  /** Shards of the Device entity that {@code node} hosts (Akka Management's shard stats). */
  static Set<String> hostedShards(NodeProcess node) {
    Harness.Answer answer = Harness.get(node.management() + "/cluster/shards/Device");
    Set<String> shards = new HashSet<>();
    if (answer.status() == 200) {
      for (JsonNode region : answer.json().get("regions")) {
        shards.add(region.get("shardId").asText());
      }
    }
    return shards;
  }

  /** The node whose consumer owns the most partitions of {@code devices}' records. */
  NodeProcess busiestOwnerOf(Set<Integer> devicePartitions) {
    Map<String, Set<Integer>> assignment = assignment();
    NodeProcess best = null;
    int most = -1;
    for (NodeProcess node : alive()) {
      Set<Integer> owned = new HashSet<>(assignment.getOrDefault(node.kafkaClientId(), Set.of()));
      owned.retainAll(devicePartitions);
      if (owned.size() > most) {
        most = owned.size();
        best = node;
      }
    }
    return best;
  }

  /**
   * Prints where each node's log is and its last warnings and errors, so that a failure explains
   * itself in the build's output even after the build directory is gone.
   */
  void printLogs() {
    for (NodeProcess node : nodes) {
      if (node.log() == null) {
        continue;
      }
      Harness.say("log of %s: %s", node.name, node.log());
      try (Stream<String> lines = Files.lines(node.log())) {
        List<String> problems =
            lines.filter(line -> line.contains("WARN") || line.contains("ERROR")).toList();
        problems
            .subList(Math.max(0, problems.size() - LOG_LINES_ON_FAILURE), problems.size())
            .forEach(line -> System.out.println("  " + node.name + " | " + line));
      } catch (IOException | UncheckedIOException e) {
        Harness.say("could not read the log of %s: %s", node.name, e);
      }
    }
  }

  /** Kills every node at once: the test is over and its topic, group and keyspaces are its own. */
  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      try {
        node.kill();
      } catch (RuntimeException e) {
        Harness.say("could not kill %s: %s", node.name, e);
      }
    }
    admin.close(Duration.ofSeconds(5));
  }
}
