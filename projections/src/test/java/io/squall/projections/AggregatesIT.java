package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.projection.javadsl.ProjectionManagement;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import io.squall.projections.internal.CassandraAggregatesRepository;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline — Kafka, Device entities, journal, projection, tables — against figures the
 * test computes itself from the CSV files; then a replay from offset zero and a versioned rebuild.
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

    try (IngestNode node = IngestNode.start(config, null)) {
      ActorSystem<?> system = node.testKit.system();
      CassandraSession session =
          CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
      ProjectionSettings settings = ProjectionSettings.create(config);
      AggregatesRepository repository =
          new CassandraAggregatesRepository(session, settings.keyspace());
      AggregatesProjection projection =
          AggregatesProjection.init(system, settings, repository, session)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      Aggregates aggregates = projection.aggregates();

      node.load(NoaaFile.bundled("ny-2008.csv.gz"), NoaaFile.bundled("sf-2008.csv.gz"));
      IngestNode.await(
          Duration.ofMinutes(3),
          () ->
              rows(repository, 1).size() == expected.days.size() + expected.months.size()
                  && counted(rows(repository, 1)) == 2 * countOf(expected.days),
          "the projection has folded every reading");

      Map<AggregateRow.Key, AggregateRow> v1 = rows(repository, 1);
      assertMatches(expected, v1);

      for (String station : STATIONS) {
        List<Aggregates.Ranked> top =
            aggregates
                .top(station, "precipitation_1h", 2008, 10, Aggregates.Figure.SUM)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(
            expectedTop(expected, station), top, "top-10 precipitation days of " + station);
      }

      // replay: every slice's offset back to the start, run again, tables unchanged row for row
      ProjectionManagement management = ProjectionManagement.get(system);
      Map<Integer, Optional<Object>> reached = new HashMap<>();
      for (int slice = 0; slice < settings.slices(); slice++) {
        reached.put(
            slice,
            management
                .getOffset(AggregatesProjection.id(1, slice))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS));
      }
      for (int slice = 0; slice < settings.slices(); slice++) {
        management
            .clearOffset(AggregatesProjection.id(1, slice))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
      }
      IngestNode.await(
          Duration.ofMinutes(2),
          () -> {
            for (int slice = 0; slice < settings.slices(); slice++) {
              try {
                if (!management
                    .getOffset(AggregatesProjection.id(1, slice))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .equals(reached.get(slice))) {
                  return false;
                }
              } catch (Exception e) {
                return false;
              }
            }
            return true;
          },
          "every slice replayed to where it was");
      assertEquals(v1, rows(repository, 1), "a replay from offset zero changes no row");

      // lag in events: a paused slice set back to before every event has all of them to fold
      int busy = -1;
      for (int slice = 0; slice < settings.slices(); slice++) {
        if (reached.get(slice).isPresent()) {
          busy = slice;
        }
      }
      akka.projection.ProjectionId busyId = AggregatesProjection.id(1, busy);
      String busyTag = busyId.key();
      management.pause(busyId).toCompletableFuture().get(10, TimeUnit.SECONDS);
      management
          .updateOffset(
              busyId,
              akka.persistence.query.TimeBasedUUID.apply(
                  com.datastax.oss.driver.api.core.uuid.Uuids.startOf(
                      java.time.Instant.now().minusSeconds(3600).toEpochMilli())))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      long behind =
          lags(projection).stream()
              .filter(lag -> lag.slice().equals(busyTag))
              .mapToLong(ProjectionLag.SliceLag::lagEvents)
              .sum();
      assertTrue(behind > 0, "a slice set back has events to fold: " + behind);
      management.resume(busyId).toCompletableFuture().get(10, TimeUnit.SECONDS);
      IngestNode.await(
          Duration.ofMinutes(1),
          () -> {
            try {
              return lags(projection).stream().allMatch(lag -> lag.lagEvents() == 0);
            } catch (Exception e) {
              return false;
            }
          },
          "the slice caught up again");
      assertEquals(v1, rows(repository, 1), "folding the slice again changed no row");

      // rebuild: version 2 from the start of the journal; reads switch when it has caught up
      assertEquals(2, projection.rebuild().toCompletableFuture().get(30, TimeUnit.SECONDS));
      IngestNode.await(
          Duration.ofMinutes(3), () -> aggregates.version() == 2, "reads switched to version 2");
      assertEquals(v1, rows(repository, 2), "version 2 holds the same rows");
      IngestNode.await(
          Duration.ofSeconds(60),
          () ->
              !tableExists(session, settings.keyspace(), "daily_aggregates_v1")
                  && !tableExists(session, settings.keyspace(), "monthly_aggregates_v1"),
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
   * An ingest node's world named {@code name} with the projection's keyspaces of its own, and
   * {@code settings} on top.
   */
  static Config world(String name, String... settings) {
    Config world = IngestNode.world(name);
    String prefix = world.getString("squall.ingest.topic");
    return ConfigFactory.parseString(String.join("\n", settings))
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "squall.projections.keyspace = " + prefix + "_aggr",
                    "akka.projection.cassandra.offset-store.keyspace = " + prefix + "_offsets")))
        .withFallback(ConfigFactory.parseResources("projections.conf"))
        .withFallback(world)
        .resolve();
  }

  /** Each started slice's lag in the serving version. */
  private static List<ProjectionLag.SliceLag> lags(AggregatesProjection projection)
      throws Exception {
    return projection.status().toCompletableFuture().get(30, TimeUnit.SECONDS).get(0).slices();
  }

  private static boolean tableExists(CassandraSession session, String keyspace, String table) {
    try {
      return session
          .selectOne(
              "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
              keyspace,
              table)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .isPresent();
    } catch (Exception e) {
      return true;
    }
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
