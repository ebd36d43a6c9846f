package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import io.squall.persistence.testing.NoaaFile;
import io.squall.persistence.testing.RawInserts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 11's backfill, end to end: the 2008–2014 file under ids {@code <station>-r1…-rN}, preloaded
 * in a fresh topic, then one node process launched and timed until every record is accounted in the
 * entities and every distinct reading is in the aggregate tables. Prints the rate beside a raw
 * Cassandra baseline of the same run and the Spark figure of the issue. Options: {@code --copies}
 * (default 5, about 2,000,000 records), {@code --heap} (the node's heap, default 2g).
 */
public final class BackfillBenchmark {
  /** KillrWeather's Spark pipeline on this machine, measured separately (issue 11). */
  private static final double SPARK_RECORDS_PER_SECOND = 32_400;

  private static final Duration TIMEOUT = Duration.ofMinutes(60);

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Bench.options(args, Map.of("copies", "5", "heap", "2g"));
    int copies = Integer.parseInt(options.get("copies"));
    String heap = options.get("heap");
    List<String> lines = NoaaFile.lines(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip"));
    Expected expected = Expected.of(lines);
    long records = (long) lines.size() * copies;
    Harness.say(
        "backfill: %,d lines x %d copies = %,d records (%,d distinct readings, %,d duplicates)",
        lines.size(),
        copies,
        records,
        expected.totalReadings() * copies,
        expected.totalDuplicates() * copies);

    double raw = RawInserts.perSecond(200_000);
    Harness.say("%s", RawInserts.describe(raw));

    try (SquallCluster cluster = SquallCluster.create("bench_backfill", 1, Bench.nodeJvm(heap));
        CqlSession cql = Bench.cql()) {
      preload(cluster.topic, lines, copies);
      NodeProcess node = cluster.node(0);
      // the node does not run yet: its CPU counts from its launch
      Map<String, Double> cpuBefore = Bench.cpu(-1);
      long start = System.nanoTime();
      cluster.startNodes();
      Harness.say(
          "node %s ready after %.1f s", node.name, Bench.seconds(System.nanoTime() - start));
      Progress progress = new Progress(node, cql, cluster.aggregatesKeyspace, expected, copies);
      long entitiesAt = -1;
      long aggregatesAt = -1;
      long deadline = start + TIMEOUT.toNanos();
      while (entitiesAt < 0 || aggregatesAt < 0) {
        if (System.nanoTime() > deadline || !node.isAlive()) {
          throw new IllegalStateException(
              "not done after " + TIMEOUT + " or the node exited; log " + node.log());
        }
        Harness.sleep(Bench.POLL);
        if (entitiesAt < 0 && progress.entitiesDone()) {
          entitiesAt = System.nanoTime();
          Harness.say("entities account for every record");
        }
        if (aggregatesAt < 0 && progress.aggregatesDone()) {
          aggregatesAt = System.nanoTime();
          Harness.say("aggregate tables hold every distinct reading");
        }
      }
      Map<String, Double> cpuAfter = Bench.cpu(node.pid());
      double seconds = Bench.seconds(Math.max(entitiesAt, aggregatesAt) - start);
      double perSecond = records / seconds;
      System.out.printf(
          "%nbackfill, one node (-Xmx%s), %,d records (%d copies of the 2008-2014 file) preloaded"
              + " in Kafka, node launch -> all accounted:%n",
          heap, records, copies);
      System.out.printf("  %,d records in %.1f s: %,.0f records/s%n", records, seconds, perSecond);
      System.out.printf(
          "  until entities done (%.1f s): %,.0f records/s; until aggregates done (%.1f s):"
              + " %,.0f records/s%n",
          Bench.seconds(entitiesAt - start),
          records / Bench.seconds(entitiesAt - start),
          Bench.seconds(aggregatesAt - start),
          records / Bench.seconds(aggregatesAt - start));
      System.out.printf("  CPU: %s%n", Bench.cpuUsed(cpuBefore, cpuAfter, seconds));
      System.out.printf("  %s (%.2f x Squall's rate)%n", RawInserts.describe(raw), raw / perSecond);
      System.out.printf(
          "  KillrWeather on Spark, measured separately (issue 11): %,.0f records/s;"
              + " Squall / Spark = %.2f%n",
          SPARK_RECORDS_PER_SECOND, perSecond / SPARK_RECORDS_PER_SECOND);
    }
    System.exit(0);
  }

  /** Every line under {@code <station>-r1 … -r<copies>}, keyed by device id, copy after copy. */
  private static void preload(String topic, List<String> lines, int copies) throws Exception {
    long start = System.nanoTime();
    try (Bench.Producer producer = new Bench.Producer()) {
      for (int copy = 1; copy <= copies; copy++) {
        for (String line : lines) {
          int comma = line.indexOf(',');
          String device = line.substring(0, comma).trim() + "-r" + copy;
          producer.send(
              topic, device, (device + line.substring(comma)).getBytes(StandardCharsets.UTF_8));
        }
      }
      producer.flush();
    }
    Harness.say(
        "preloaded %,d records in %.1f s",
        (long) lines.size() * copies, Bench.seconds(System.nanoTime() - start));
  }

  /**
   * The node's progress, read cheaply: each poll asks only until the first device or (device,
   * metric) that is not complete yet, and never asks again about one that was.
   */
  private static final class Progress {
    private final NodeProcess node;
    private final CqlSession cql;
    private final String keyspace;

    /** (device, metric) → distinct readings still expected in its monthly rows. */
    private final Map<List<String>, Long> pending = new LinkedHashMap<>();

    /** device → records (readings + duplicates) its entity has still to account. */
    private final Map<String, Long> devices = new LinkedHashMap<>();

    private PreparedStatement counts;

    Progress(NodeProcess node, CqlSession cql, String keyspace, Expected expected, int copies) {
      this.node = node;
      this.cql = cql;
      this.keyspace = keyspace;
      for (int copy = 1; copy <= copies; copy++) {
        for (var device : expected.monthly.entrySet()) {
          String id = device.getKey() + "-r" + copy;
          devices.put(
              id,
              expected.readings.get(device.getKey()) + expected.duplicates.get(device.getKey()));
          device
              .getValue()
              .forEach(
                  (metric, months) ->
                      pending.put(
                          List.of(id, metric),
                          months.values().stream().mapToLong(f -> f.count).sum()));
        }
      }
    }

    /** Whether every device's readings plus duplicates, as its entity answers, are complete. */
    boolean entitiesDone() {
      var pendingDevices = devices.entrySet().iterator();
      while (pendingDevices.hasNext()) {
        var device = pendingDevices.next();
        Harness.Answer answer = Harness.get(node.api() + "/devices/" + device.getKey());
        if (answer.status() != 200) {
          return false;
        }
        JsonNode state = answer.json();
        long accounted = state.get("readings").asLong() + state.get("duplicates").asLong();
        if (accounted > device.getValue()) {
          throw new IllegalStateException(
              device.getKey()
                  + " accounts "
                  + accounted
                  + " records, expected "
                  + device.getValue());
        }
        if (accounted < device.getValue()) {
          return false;
        }
        pendingDevices.remove();
      }
      return true;
    }

    /** Whether every (device, metric) has all its readings in the serving monthly table. */
    boolean aggregatesDone() {
      if (counts == null) {
        int version = Bench.servingVersion(cql, keyspace);
        if (version < 0) {
          return false;
        }
        try {
          counts =
              cql.prepare(
                  "SELECT kind, metrics FROM "
                      + keyspace
                      + ".aggregates_v"
                      + version
                      + " WHERE device_id = ? AND year IN ? AND kind = 'month'");
        } catch (RuntimeException tableNotThereYet) {
          return false;
        }
      }
      List<Integer> years = new ArrayList<>();
      for (int year = 2000; year <= 2030; year++) {
        years.add(year);
      }
      Map<String, Map<String, Long>> byDevice = new HashMap<>();
      var pairs = pending.entrySet().iterator();
      while (pairs.hasNext()) {
        var pair = pairs.next();
        String deviceId = pair.getKey().get(0);
        long count =
            byDevice
                .computeIfAbsent(
                    deviceId,
                    id -> Bench.metricCounts(cql.execute(counts.bind(id, years)), "month"))
                .getOrDefault(pair.getKey().get(1), 0L);
        if (count > pair.getValue()) {
          throw new IllegalStateException(
              pair.getKey() + " counts " + count + " readings, expected " + pair.getValue());
        }
        if (count < pair.getValue()) {
          return false;
        }
        pairs.remove();
      }
      return true;
    }
  }
}
