package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.fasterxml.jackson.databind.JsonNode;
import io.squall.persistence.testing.RawInserts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 11's fan-out: DEVICES synthetic devices, one reading each per round, round after round
 * against one node process, each round produced only once the previous one is in the entities (the
 * consumer group's lag is 0) and in the aggregate tables (the daily counts in CQL add up). Prints
 * readings/s per round beside a raw Cassandra baseline of the same run, the node's CPU, heap and
 * live entities. Options: {@code --devices} (100000), {@code --rounds} (10), {@code --heap} (2g).
 */
public final class FanoutBenchmark {
  private static final List<String> METRICS = List.of("temperature", "pressure", "wind_speed");
  private static final Instant FIRST_ROUND = Instant.parse("2024-01-01T00:00:00Z");
  private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(30);
  private static final Duration RECOUNT = Duration.ofSeconds(30);
  private static final Duration STALL = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        Bench.options(args, Map.of("devices", "100000", "rounds", "10", "heap", "2g"));
    int devices = Integer.parseInt(options.get("devices"));
    int rounds = Integer.parseInt(options.get("rounds"));
    String heap = options.get("heap");
    if (rounds > 24) {
      throw new IllegalArgumentException("--rounds is at most 24: rounds are hours of one day");
    }

    double raw = RawInserts.perSecond(200_000);
    Harness.say("%s", RawInserts.describe(raw));

    try (SquallCluster cluster = SquallCluster.create("bench_fanout", 1, nodeJvm(heap));
        CqlSession cql = Bench.cql();
        Bench.Producer producer = new Bench.Producer()) {
      cluster.startNodes();
      NodeProcess node = cluster.node(0);
      Map<String, Double> cpuBefore = Bench.cpu(node.pid());
      long start = System.nanoTime();
      List<Double> rates = new ArrayList<>();
      System.out.printf(
          "%nfan-out, one node (-Xmx%s): %,d devices, one reading of %d metrics each per round%n",
          heap, devices, METRICS.size());
      for (int round = 1; round <= rounds; round++) {
        long roundStart = System.nanoTime();
        produce(producer, cluster.topic, devices, round);
        long entitiesAt = awaitEntities(cluster, node);
        awaitAggregates(cql, cluster.aggregatesKeyspace, node, (long) devices * round);
        double seconds = Bench.seconds(System.nanoTime() - roundStart);
        rates.add(devices / seconds);
        System.out.printf(
            "  round %2d: %,d readings in %.1f s (entities done after %.1f s): %,.0f readings/s%n",
            round, devices, seconds, Bench.seconds(entitiesAt - roundStart), devices / seconds);
      }
      double wall = Bench.seconds(System.nanoTime() - start);
      Map<String, Double> cpuAfter = Bench.cpu(node.pid());
      double last = rates.get(rates.size() - 1);
      System.out.printf(
          "  all rounds: %,d readings in %.1f s: %,.0f readings/s%n",
          (long) devices * rounds, wall, devices * rounds / wall);
      System.out.printf("  last round / first round = %.2f%n", last / rates.get(0));
      System.out.printf("  %s; last round / raw = %.2f%n", RawInserts.describe(raw), last / raw);
      System.out.printf("  CPU over the rounds: %s%n", Bench.cpuUsed(cpuBefore, cpuAfter, wall));
      System.out.printf("  node at the end: %s%n", memory(node));
      System.out.printf("  live Device entities: %s%n", liveEntities(node));
    }
    System.exit(0);
  }

  /** The node's JVM, whose projection lag counts one event at most: the benchmark's cheap gate. */
  private static List<String> nodeJvm(String heap) {
    List<String> jvm = new ArrayList<>(Bench.nodeJvm(heap));
    return jvm;
  }

  /** One reading per device at the round's hour; device {@code fan-000042} gets values of 42. */
  private static void produce(Bench.Producer producer, String topic, int devices, int round)
      throws Exception {
    String at = FIRST_ROUND.plus(Duration.ofHours(round - 1)).toString();
    for (int d = 0; d < devices; d++) {
      String device = String.format("fan-%06d", d);
      StringBuilder json =
          new StringBuilder("{\"device\":\"")
              .append(device)
              .append("\",\"timestamp\":\"")
              .append(at)
              .append("\",\"metrics\":{");
      for (int m = 0; m < METRICS.size(); m++) {
        json.append(m == 0 ? "" : ",")
            .append('"')
            .append(METRICS.get(m))
            .append("\":")
            .append((d + round + m) % 400 / 10.0);
      }
      producer.send(topic, device, json.append("}}").toString().getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
  }

  /** Waits until the consumer group committed every record; returns when. */
  private static long awaitEntities(SquallCluster cluster, NodeProcess node) {
    Harness.await(
        ROUND_TIMEOUT,
        Bench.POLL,
        "the consumer group's lag is 0 (node log " + node.log() + ")",
        () -> node.isAlive() && cluster.lag() == 0);
    return System.nanoTime();
  }

  /**
   * Waits until the serving daily table counts {@code readings} per metric. The projection's own
   * lag (cheap, over HTTP) gates the full-table count, which also runs every {@link #RECOUNT} so
   * that a projection stuck with events it never folds fails the run after {@link #STALL}.
   */
  private static void awaitAggregates(
      CqlSession cql, String keyspace, NodeProcess node, long readings) {
    long expected = readings * METRICS.size();
    long counted = -1;
    long countedAt = System.nanoTime();
    long changedAt = countedAt;
    long deadline = countedAt + ROUND_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && node.isAlive()) {
      if (projectionCaughtUp(node) || System.nanoTime() - countedAt > RECOUNT.toNanos()) {
        long count = dailyCount(cql, keyspace);
        countedAt = System.nanoTime();
        if (count == expected) {
          return;
        }
        if (count > expected) {
          throw new IllegalStateException(
              "the daily aggregates count " + count + ", expected " + expected);
        }
        if (count != counted) {
          counted = count;
          changedAt = countedAt;
        } else if (countedAt - changedAt > STALL.toNanos()) {
          throw new IllegalStateException(
              String.format(
                  "the aggregates stalled: the daily tables count %,d of %,d for %d s although"
                      + " the consumer group's lag is 0; GET %s/projections; node log %s",
                  count, expected, STALL.toSeconds(), node.api(), node.log()));
        }
      }
      Harness.sleep(Bench.POLL);
    }
    throw new IllegalStateException(
        "the daily aggregates do not count " + expected + " (node log " + node.log() + ")");
  }

  /** Whether no version the node reports has a device still writing its rows. */
  private static boolean projectionCaughtUp(NodeProcess node) {
    Harness.Answer answer = Harness.get(node.api() + "/projections");
    if (answer.status() != 200) {
      return false;
    }
    for (JsonNode version : answer.json().findValues("versions")) {
      for (JsonNode state : version) {
        if (state.get("devicesPending").asLong() > 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static long dailyCount(CqlSession cql, String keyspace) {
    int version = Bench.servingVersion(cql, keyspace);
    if (version < 0) {
      return 0;
    }
    try {
      // summed here: Cassandra warns about (and may time out on) an aggregate over a whole table
      return Bench.metricCounts(
              cql.execute(
                  SimpleStatement.newInstance(
                          "SELECT kind, metrics FROM " + keyspace + ".aggregates_v" + version)
                      .setPageSize(5000)
                      .setTimeout(Duration.ofSeconds(60))),
              "day")
          .values()
          .stream()
          .mapToLong(Long::longValue)
          .sum();
    } catch (RuntimeException tableNotThereYet) {
      return 0;
    }
  }

  /** Heap in use now and after a full GC (the live set), and the resident set size. */
  private static String memory(NodeProcess node) {
    String now = heapUsed(Bench.jcmd(node.pid(), "GC.heap_info"));
    Bench.jcmd(node.pid(), "GC.run");
    String live = heapUsed(Bench.jcmd(node.pid(), "GC.heap_info"));
    String rss = "?";
    try {
      rss =
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + node.pid() + "/status"))
              .stream()
              .filter(l -> l.startsWith("VmRSS:"))
              .findFirst()
              .map(l -> l.substring(6).trim())
              .orElse("?");
    } catch (java.io.IOException e) {
      rss = e.toString();
    }
    return String.format("heap used %s, after a full GC %s; RSS %s", now, live, rss);
  }

  /** "used N K" from the first line of {@code jcmd GC.heap_info} ("garbage-first heap total …"). */
  private static String heapUsed(String heapInfo) {
    var matcher = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heapInfo);
    return matcher.find()
        ? String.format("%,d MB", Long.parseLong(matcher.group(1)) / 1024)
        : "unknown (" + heapInfo.lines().findFirst().orElse("") + ")";
  }

  /** Entities per shard from Akka Management, summed; says so when the node does not serve it. */
  private static String liveEntities(NodeProcess node) {
    Harness.Answer answer = Harness.get(node.management() + "/cluster/shards/Device");
    if (answer.status() != 200) {
      return "not available (GET "
          + node.management()
          + "/cluster/shards/Device answered "
          + answer.status()
          + ")";
    }
    long entities = 0;
    int shards = 0;
    for (JsonNode region : answer.json().get("regions")) {
      entities += region.get("numEntities").asLong();
      shards++;
    }
    return String.format("%,d in %d shards (Akka Management's shard stats)", entities, shards);
  }
}
