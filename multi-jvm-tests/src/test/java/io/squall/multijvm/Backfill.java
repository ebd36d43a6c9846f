package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.databind.JsonNode;
import io.squall.persistence.testing.NoaaFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 11's backfill input and its end, shared by the benchmarks that time it: the 2008–2014 file
 * under ids {@code <station>-r1 … -r<copies>}, preloaded in a topic, and a poll until every record
 * is accounted in the entities and every distinct reading is in the aggregate tables.
 */
final class Backfill {
  private static final Duration TIMEOUT = Duration.ofMinutes(60);

  final List<String> lines;
  final int copies;
  final Expected expected;

  private Backfill(List<String> lines, int copies) {
    this.lines = lines;
    this.copies = copies;
    this.expected = Expected.of(lines);
  }

  /** {@code copies} copies of the bundled 2008–2014 file (about 400,000 records each). */
  static Backfill of(int copies) {
    return new Backfill(
        NoaaFile.lines(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip")), copies);
  }

  long records() {
    return (long) lines.size() * copies;
  }

  @Override
  public String toString() {
    return String.format(
        "%,d lines x %d copies = %,d records (%,d distinct readings, %,d duplicates)",
        lines.size(),
        copies,
        records(),
        expected.totalReadings() * copies,
        expected.totalDuplicates() * copies);
  }

  /** Every device id of the backfill: each station of the file once per copy. */
  List<String> devices() {
    List<String> devices = new ArrayList<>();
    for (int copy = 1; copy <= copies; copy++) {
      for (String station : expected.readings.keySet()) {
        devices.add(station + "-r" + copy);
      }
    }
    return devices;
  }

  /** Every line under {@code <station>-r1 … -r<copies>}, keyed by device id, copy after copy. */
  void preload(String topic) throws Exception {
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
        "preloaded %,d records in %.1f s", records(), Bench.seconds(System.nanoTime() - start));
  }

  /** When (System.nanoTime) the entities, then the aggregate tables, accounted for everything. */
  record Done(long entitiesAt, long aggregatesAt) {
    long at() {
      return Math.max(entitiesAt, aggregatesAt);
    }
  }

  /** Polls {@code node} and its aggregate tables until both account for the whole backfill. */
  Done await(NodeProcess node, CqlSession cql, String keyspace, long start) {
    Progress progress = new Progress(node, cql, keyspace);
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
    return new Done(entitiesAt, aggregatesAt);
  }

  /**
   * The node's progress, read cheaply: each poll asks only until the first device or (device,
   * metric) that is not complete yet, and never asks again about one that was.
   */
  private final class Progress {
    private final NodeProcess node;
    private final CqlSession cql;
    private final String keyspace;

    /** (device, metric) → distinct readings still expected in its monthly rows. */
    private final Map<List<String>, Long> pending = new LinkedHashMap<>();

    /** device → records (readings + duplicates) its entity has still to account. */
    private final Map<String, Long> devices = new LinkedHashMap<>();

    private PreparedStatement counts;

    Progress(NodeProcess node, CqlSession cql, String keyspace) {
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
