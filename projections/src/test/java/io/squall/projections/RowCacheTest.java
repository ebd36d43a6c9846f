package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squall.persistence.DeviceTenure;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the node's cached rows answer, and when a read must ask the table. */
class RowCacheTest {
  private static final String DEVICE = "station-1";
  private static final LocalDate DAY = LocalDate.of(2008, 3, 1);
  private static final Period.Day FIRST = new Period.Day(DAY);
  private static final Period.Day SECOND = new Period.Day(DAY.plusDays(1));

  private ActorTestKit testKit;
  private DeviceTenure tenure;
  private FakeAggregatesRepository table;
  private RowCache cache;
  private Aggregates aggregates;

  @BeforeEach
  void start() {
    testKit = ActorTestKit.create();
    tenure = DeviceTenure.get(testKit.system());
    tenure.partitionsBy(id -> id.equals(DEVICE) ? 0 : 1);
    tenure.assigned(List.of(0));
    table = new FakeAggregatesRepository();
    cache = new RowCache(tenure, 1_000, new SimpleMeterRegistry());
    aggregates =
        new Aggregates(
            table, () -> new ProjectionVersions.State(1, OptionalInt.empty(), false), cache);
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private static PeriodRow row(Period period, double temperature, long seq) {
    return new PeriodRow(
        period,
        Map.of("temperature", new Aggregate(1, temperature, temperature, temperature, 0)),
        seq);
  }

  private List<Double> maxima(String device) throws Exception {
    return aggregates
        .daily(device, "temperature", DAY, DAY.plusDays(1))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS)
        .stream()
        .map(r -> r.aggregate().max())
        .toList();
  }

  @Test
  void shouldAskTheTableOnceThenAnswerFromMemory() throws Exception {
    table.save(1, DEVICE, List.of(row(FIRST, 5.0, 1)));
    assertEquals(List.of(5.0), maxima(DEVICE));
    int read = table.rowsRead.get();
    assertEquals(List.of(5.0), maxima(DEVICE));
    assertEquals(read, table.rowsRead.get(), "rows read from the table by the second read");
  }

  @Test
  void shouldAnswerWhatTheDeviceWroteLast() throws Exception {
    table.save(1, DEVICE, List.of(row(FIRST, 5.0, 1)));
    maxima(DEVICE);
    // a late reading: the device writes the old day's row again, then the day after
    PeriodRow later = row(FIRST, 9.0, 2);
    table.save(1, DEVICE, List.of(later, row(SECOND, 3.0, 2)));
    cache.written(DEVICE, 1, List.of(later, row(SECOND, 3.0, 2)));
    int read = table.rowsRead.get();
    assertEquals(List.of(9.0, 3.0), maxima(DEVICE));
    assertEquals(read, table.rowsRead.get(), "rows read from the table");
  }

  @Test
  void shouldNotKeepWhatAReadFetchedWhileTheDeviceWrote() {
    RowCache.Fetch fetch = cache.fetching(DEVICE);
    // the read's answer left Cassandra before the write landed: the second day had no row yet
    cache.written(DEVICE, 1, List.of(row(FIRST, 9.0, 2)));
    cache.fetched(fetch, 1, List.of(FIRST, SECOND), List.of(row(FIRST, 5.0, 1)));
    assertEquals(
        List.of(row(FIRST, 9.0, 2)),
        cache.rows(DEVICE, 1, List.of(FIRST, SECOND)),
        "the day written meanwhile as written, the other as fetched (no row)");
  }

  @Test
  void shouldKeepNoFetchedRowOfAPeriodWrittenWhileAnotherReadFetched() {
    RowCache.Fetch first = cache.fetching(DEVICE);
    RowCache.Fetch second = cache.fetching(DEVICE);
    cache.written(DEVICE, 1, List.of(row(FIRST, 9.0, 2)));
    cache.fetched(first, 1, List.of(FIRST), List.of(row(FIRST, 9.0, 2)));
    // the second read left Cassandra before the write landed
    cache.fetched(second, 1, List.of(FIRST, SECOND), List.of(row(FIRST, 5.0, 1)));
    assertEquals(List.of(row(FIRST, 9.0, 2)), cache.rows(DEVICE, 1, List.of(FIRST)));
  }

  @Test
  void shouldKeepNothingAReadFailedToFetch() {
    RowCache.Fetch fetch = cache.fetching(DEVICE);
    cache.fetched(fetch, 1, List.of(FIRST), null);
    assertNull(cache.rows(DEVICE, 1, List.of(FIRST)));
  }

  @Test
  void shouldForgetEverythingWhenPartitionsMove() throws Exception {
    table.save(1, DEVICE, List.of(row(FIRST, 5.0, 1)));
    maxima(DEVICE);
    tenure.revoked(List.of(0));
    assertNull(cache.rows(DEVICE, 1, List.of(FIRST)));
    // another node writes the device's rows now
    table.save(1, DEVICE, List.of(row(FIRST, 7.0, 2)));
    cache.written(DEVICE, 1, List.of(row(FIRST, 6.0, 2)));
    assertEquals(List.of(7.0), maxima(DEVICE));
    assertNull(cache.rows(DEVICE, 1, List.of(FIRST)), "a device of another node");
  }

  @Test
  void shouldForgetRowsWhoseWriteFailed() throws Exception {
    table.save(1, DEVICE, List.of(row(FIRST, 5.0, 1)));
    maxima(DEVICE);
    cache.failed(DEVICE, 1, List.of(row(FIRST, 8.0, 2)));
    assertNull(cache.rows(DEVICE, 1, List.of(FIRST)));
  }
}
