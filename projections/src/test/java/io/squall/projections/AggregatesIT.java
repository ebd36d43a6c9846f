package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.DeviceJournal;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import io.squall.sharding.IngestNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline — Kafka, Device entities, journal, their rows — against figures the test
 * computes itself from the CSV files; then the journals projected again, and a versioned rebuild.
 */
class AggregatesIT {
  private static final List<String> STATIONS = List.of("725030:14732", "724940:23234");
  private static final List<String> METRICS = NoaaFile.METRIC_NAMES;

  /** Independent figures: count, min, max, sum, sum of squares per (station, metric, period). */
  private static final class Expected {
    final Map<String, double[]> days = new TreeMap<>();
    final Map<String, double[]> months = new TreeMap<>();

    void add(Reading reading) {
      LocalDate date = reading.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
      reading
          .metrics()
          .forEach(
              (metric, value) -> {
                add(days, reading.deviceId() + "|" + metric + "|" + date, value);
                add(months, reading.deviceId() + "|" + metric + "|" + YearMonth.from(date), value);
              });
    }

    private static void add(Map<String, double[]> into, String key, double value) {
      double[] f =
          into.computeIfAbsent(
              key, k -> new double[] {0, Double.MAX_VALUE, -Double.MAX_VALUE, 0, 0});
      f[0] += 1;
      f[1] = Math.min(f[1], value);
      f[2] = Math.max(f[2], value);
      f[3] += value;
      f[4] += value * value;
    }
  }

  @Test
  void shouldBuildExactAggregatesThatSurviveReplayAndRebuild() throws Exception {
    Config config =
        world(
            "it_aggregates",
            "squall.projections.version-check-interval = 500ms",
            "squall.projections.drop-retired-after = 1s");
    Expected expected = new Expected();
    NoaaFile.readings(NoaaFile.bundled("ny-2008.csv.gz")).forEach(expected::add);
    NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).forEach(expected::add);
    ProjectionSettings settings = ProjectionSettings.create(config);

    try (ProjectedNode projected = ProjectedNode.start(config)) {
      IngestNode node = projected.node;
      ActorSystem<?> system = node.testKit.system();
      AggregatesRepository repository = projected.repository;
      AggregatesProjection projection = projected.projection;
      Aggregates aggregates = projection.aggregates();

      node.load(NoaaFile.bundled("ny-2008.csv.gz"), NoaaFile.bundled("sf-2008.csv.gz"));
      IngestNode.await(
          Duration.ofMinutes(3),
          () ->
              rows(repository, 1).size() == expected.days.size() + expected.months.size()
                  && counted(rows(repository, 1)) == 2 * countOf(expected.days),
          "every reading is in the aggregate rows");

      Map<AggregateRow.Key, AggregateRow> v1 = rows(repository, 1);
      assertMatches(expected, v1);
      assertEquals(
          List.of(), batchWarnings(settings.keyspace()), "Cassandra's batch-size warnings");
      assertEquals(
          Set.copyOf(STATIONS),
          Set.copyOf(
              repository
                  .devices()
                  .runWith(Sink.seq(), system)
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS)),
          "the known devices");

      for (String station : STATIONS) {
        List<Aggregates.Ranked> top =
            aggregates
                .top(station, "precipitation_1h", 2008, 10, Aggregates.Figure.SUM)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(
            expectedTop(expected, station), top, "top-10 precipitation days of " + station);
      }

      // replay: each device's whole journal, and its second half, projected again
      for (String station : STATIONS) {
        long last = node.device(station).readings() > 0 ? lastSequenceNr(system, station) : 0;
        DeviceRowsWriter again = new DeviceRowsWriter(system, station, projection.writerContext());
        again.reproject(1, 1, last).toCompletableFuture().get(2, TimeUnit.MINUTES);
        again.reproject(1, last / 2, last).toCompletableFuture().get(2, TimeUnit.MINUTES);
      }
      assertEquals(v1, rows(repository, 1), "projecting the journals again changes no row");

      // rebuild: version 2 from every device's journal; reads switch once every device is done
      assertEquals(2, projection.rebuild().toCompletableFuture().get(30, TimeUnit.SECONDS));
      IngestNode.await(
          Duration.ofMinutes(3), () -> aggregates.version() == 2, "reads switched to version 2");
      assertEquals(v1, rows(repository, 2), "version 2 holds the same rows");
      AggregatesProjection.VersionStatus serving =
          projection.status().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0);
      assertEquals(2, serving.version());
      assertEquals(0, serving.devicesPending(), "nothing left to write: " + serving);
      IngestNode.await(
          Duration.ofSeconds(60),
          () -> !projected.tableExists("aggregates_v1") && !projected.tableExists("rebuilt_v1"),
          "version 1's tables are dropped");
      assertEquals(
          v1.get(new AggregateRow.Day(STATIONS.get(0), "temperature", LocalDate.of(2008, 7, 4))),
          aggregates
              .daily(
                  STATIONS.get(0),
                  "temperature",
                  LocalDate.of(2008, 7, 4),
                  LocalDate.of(2008, 7, 4))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .get(0),
          "reads come from version 2");
    }
  }

  /**
   * The lines of the build's Cassandra log that warn of a batch of {@code keyspace} over the size
   * threshold (5 KiB by default): events of up to 2,000 readings must fold into batches below it.
   */
  private static List<String> batchWarnings(String keyspace) throws java.io.IOException {
    String stateDir = System.getenv().getOrDefault("SQUALL_STATE_DIR", "");
    java.nio.file.Path log =
        (stateDir.isEmpty()
                ? io.squall.persistence.testing.LocalInfra.projectDir().resolve(".squall")
                : java.nio.file.Path.of(stateDir))
            .resolve("run/cassandra/cassandra.log");
    if (!java.nio.file.Files.exists(log)) {
      return List.of("no Cassandra log at " + log);
    }
    try (var lines = java.nio.file.Files.lines(log)) {
      return lines.filter(line -> line.contains("Batch for [" + keyspace)).toList();
    }
  }

  /** The sequence number of {@code deviceId}'s last event. */
  private static long lastSequenceNr(ActorSystem<?> system, String deviceId) throws Exception {
    return DeviceJournal.events(system, deviceId, null, null)
        .runWith(Sink.last(), system)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS)
        .sequenceNr();
  }

  /**
   * An ingest node's world named {@code name} with the projection's keyspaces of its own, and
   * {@code settings} on top.
   */
  static Config world(String name, String... settings) {
    Config world = IngestNode.world(name);
    String prefix = world.getString("squall.ingest.topic");
    return ConfigFactory.parseString(String.join("\n", settings))
        .withFallback(
            ConfigFactory.parseString(
                String.join("\n", "squall.projections.keyspace = " + prefix + "_aggr")))
        .withFallback(ConfigFactory.parseResources("projections.conf"))
        .withFallback(world)
        .resolve();
  }

  private static long countOf(Map<String, double[]> days) {
    return (long) days.values().stream().mapToDouble(f -> f[0]).sum();
  }

  private static long counted(Map<AggregateRow.Key, AggregateRow> rows) {
    return rows.values().stream().mapToLong(row -> row.aggregate().count()).sum();
  }

  /** Every daily and monthly row of both stations in 2008. */
  private static Map<AggregateRow.Key, AggregateRow> rows(
      AggregatesRepository repository, int version) {
    Map<AggregateRow.Key, AggregateRow> rows = new HashMap<>();
    try {
      for (String station : STATIONS) {
        for (String metric : METRICS) {
          for (AggregateRow row :
              repository
                  .daily(
                      version,
                      station,
                      metric,
                      LocalDate.of(2008, 1, 1),
                      LocalDate.of(2008, 12, 31))
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS)) {
            rows.put(row.key(), row);
          }
          for (AggregateRow row :
              repository
                  .monthly(version, station, metric, 2008)
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS)) {
            rows.put(row.key(), row);
          }
        }
      }
    } catch (Exception e) {
      return Map.of();
    }
    return rows;
  }

  private static void assertMatches(Expected expected, Map<AggregateRow.Key, AggregateRow> rows) {
    expected.days.forEach(
        (key, f) -> {
          String[] k = key.split("\\|");
          AggregateRow row = rows.get(new AggregateRow.Day(k[0], k[1], LocalDate.parse(k[2])));
          assertTrue(row != null, "a row for " + key);
          assertFigures(key, f, row.aggregate());
        });
    expected.months.forEach(
        (key, f) -> {
          String[] k = key.split("\\|");
          AggregateRow row = rows.get(new AggregateRow.Month(k[0], k[1], YearMonth.parse(k[2])));
          assertTrue(row != null, "a row for " + key);
          assertFigures(key, f, row.aggregate());
        });
    assertEquals(expected.days.size() + expected.months.size(), rows.size(), "no other rows");
  }

  private static void assertFigures(String key, double[] f, Aggregate a) {
    double mean = f[3] / f[0];
    double stdev = Math.sqrt(Math.max(0, f[4] / f[0] - mean * mean));
    assertEquals((long) f[0], a.count(), "count of " + key);
    assertEquals(f[1], a.min(), "min of " + key);
    assertEquals(f[2], a.max(), "max of " + key);
    assertEquals(f[3], a.sum(), 1e-9 * Math.max(1, Math.abs(f[3])), "sum of " + key);
    assertEquals(mean, a.mean(), 1e-9 * Math.max(1, Math.abs(mean)), "mean of " + key);
    assertEquals(stdev, a.stdev(), 1e-6 * Math.max(1, Math.abs(mean)), "stdev of " + key);
  }

  private static List<Aggregates.Ranked> expectedTop(Expected expected, String station) {
    List<Aggregates.Ranked> days = new ArrayList<>();
    expected.days.forEach(
        (key, f) -> {
          String[] k = key.split("\\|");
          if (k[0].equals(station) && k[1].equals("precipitation_1h")) {
            days.add(new Aggregates.Ranked(LocalDate.parse(k[2]), Aggregates.rounded(f[3])));
          }
        });
    days.sort(
        Comparator.comparingDouble(Aggregates.Ranked::value)
            .reversed()
            .thenComparing(Aggregates.Ranked::date));
    return days.subList(0, 10);
  }
}
