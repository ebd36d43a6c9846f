package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.squall.persistence.LiveStates;
import io.squall.persistence.NodeMetrics;
import io.squall.persistence.testing.NoaaFile;
import io.squall.sharding.IngestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The node's cached rows against the table: reads run while a year of two stations is written, then
 * every 28-day range a reader can ask is compared with what Cassandra holds; a late reading for an
 * old day changes that day's cached answer.
 */
class RowCacheIT {
  private static final String STATION = "725030:14732";
  private static final List<String> STATIONS = List.of(STATION, "724940:23234");
  private static final int DAYS = 28;

  @Test
  void shouldAnswerFromMemoryWhatTheTableHoldsWhileDevicesWrite() throws Exception {
    Path ny = NoaaFile.bundled("ny-2008.csv.gz");
    Path sf = NoaaFile.bundled("sf-2008.csv.gz");
    long expectedTemperatures =
        NoaaFile.readings(ny).stream()
                .filter(r -> r.metrics().containsKey("temperature"))
                .map(r -> r.deviceId() + r.timestamp())
                .distinct()
                .count()
            + NoaaFile.readings(sf).stream()
                .filter(r -> r.metrics().containsKey("temperature"))
                .map(r -> r.deviceId() + r.timestamp())
                .distinct()
                .count();
    try (ProjectedNode projected =
        ProjectedNode.start(
            // fewer rows than the two stations' year: reads fetch all along, as writes go on
            AggregatesIT.world("it_rowcache", "squall.projections.cached-rows = 300"))) {
      IngestNode node = projected.node;
      Aggregates cached = projected.projection.aggregates();
      Aggregates table =
          new Aggregates(projected.repository, projected.projection.versions()::state);

      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicReference<Throwable> readFailure = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      LiveStates live = LiveStates.get(node.testKit.system());
      for (int i = 0; i < 2; i++) {
        Random random = new Random(i);
        boolean atTheFront = i == 0;
        Thread reader =
            new Thread(
                () -> {
                  while (loading.get()) {
                    String station = STATIONS.get(random.nextInt(2));
                    // one reader asks for the days being written now (past the last durable
                    // reading), the other anywhere
                    LocalDate to =
                        atTheFront
                            ? live.of(station)
                                .map(s -> s.last().atZone(ZoneOffset.UTC).toLocalDate().plusDays(7))
                                .orElse(LocalDate.of(2008, 1, DAYS))
                            : LocalDate.of(2008, 1, DAYS).plusDays(random.nextInt(366 - DAYS));
                    try {
                      cached
                          .daily(station, "temperature", to.minusDays(DAYS - 1), to)
                          .toCompletableFuture()
                          .get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                      readFailure.compareAndSet(null, e);
                    }
                  }
                });
        reader.start();
        readers.add(reader);
      }
      node.load(ny, sf);
      IngestNode.await(
          Duration.ofMinutes(3),
          () -> temperatures(table) == expectedTemperatures,
          "every temperature is in the daily rows");
      loading.set(false);
      for (Thread reader : readers) {
        reader.join();
      }
      assertEquals(null, readFailure.get(), "reads during the load");

      for (String station : STATIONS) {
        for (LocalDate from = LocalDate.of(2008, 1, 1);
            !from.plusDays(DAYS - 1).isAfter(LocalDate.of(2008, 12, 31));
            from = from.plusDays(1)) {
          LocalDate to = from.plusDays(DAYS - 1);
          for (String metric : List.of("temperature", "precipitation_1h")) {
            assertEquals(
                answer(table.daily(station, metric, from, to)),
                answer(cached.daily(station, metric, from, to)),
                station + " " + metric + " from " + from);
          }
        }
        assertEquals(
            answer(table.monthly(station, "temperature", 2008)),
            answer(cached.monthly(station, "temperature", 2008)),
            station + " months");
      }
      assertTrue(hits(node) > 0, "reads answered from memory: " + hits(node));

      // a late reading for an old day, between two of the file's hours
      LocalDate day = LocalDate.of(2008, 3, 1);
      List<AggregateRow> before = answer(cached.daily(STATION, "temperature", day, day));
      Path late = Files.createTempFile("late", ".jsonl");
      Files.writeString(
          late,
          "{\"device\":\""
              + STATION
              + "\",\"timestamp\":\"2008-03-01T12:30:00Z\",\"metrics\":{\"temperature\":41.5}}\n");
      Instant sent = Instant.now();
      node.load(late);
      IngestNode.await(
          Duration.ofSeconds(30),
          () -> count(answer(cached.daily(STATION, "temperature", day, day))) == count(before) + 1,
          "the late reading in the cached answer");
      System.out.printf(
          "late reading in the cached answer after %d ms%n",
          Duration.between(sent, Instant.now()).toMillis());
      List<AggregateRow> after = answer(cached.daily(STATION, "temperature", day, day));
      assertEquals(41.5, after.get(0).aggregate().max(), "the late reading's temperature");
      assertEquals(answer(table.daily(STATION, "temperature", day, day)), after);
      Files.delete(late);
    }
  }

  private static long temperatures(Aggregates table) {
    long total = 0;
    for (String station : STATIONS) {
      total += count(answer(table.monthly(station, "temperature", 2008)));
    }
    return total;
  }

  private static long count(List<AggregateRow> rows) {
    return rows.stream().mapToLong(r -> r.aggregate().count()).sum();
  }

  private static double hits(IngestNode node) {
    FunctionCounter hits =
        NodeMetrics.get(node.testKit.system())
            .registry()
            .find("cache.gets")
            .tags("cache", "squall_rows", "result", "hit")
            .functionCounter();
    return hits == null ? 0 : hits.count();
  }

  private static <T> T answer(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
