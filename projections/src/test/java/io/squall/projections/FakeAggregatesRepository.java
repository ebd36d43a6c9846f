package io.squall.projections;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The aggregate tables in memory, one map per version and device; counts the rows read, and fails
 * or holds back the next write on demand. A write keeps a row only if its last sequence number is
 * at least the stored one, as Cassandra does with the write timestamp.
 */
final class FakeAggregatesRepository implements AggregatesRepository {
  final Map<Integer, Map<String, Map<Period, PeriodRow>>> tables = new ConcurrentHashMap<>();
  final Set<String> devices = ConcurrentHashMap.newKeySet();
  final Map<Integer, Map<String, Long>> rebuilt = new ConcurrentHashMap<>();
  final AtomicInteger rowsRead = new AtomicInteger();
  final AtomicInteger saves = new AtomicInteger();
  volatile RuntimeException failNextSave;
  volatile CompletableFuture<Done> holdNextSave;

  Map<Period, PeriodRow> rows(int version, String deviceId) {
    return tables
        .computeIfAbsent(version, v -> new ConcurrentHashMap<>())
        .computeIfAbsent(deviceId, d -> new ConcurrentHashMap<>());
  }

  /** A copy of a device's rows, ordered. */
  Map<Period, PeriodRow> snapshot(int version, String deviceId) {
    return new TreeMap<>(rows(version, deviceId));
  }

  @Override
  public CompletionStage<Map<Period, PeriodRow>> load(
      int version, String deviceId, Collection<Period> periods) {
    Map<Period, PeriodRow> found = new HashMap<>();
    for (Period period : periods) {
      PeriodRow row = rows(version, deviceId).get(period);
      if (row != null) {
        found.put(period, row);
      }
    }
    rowsRead.addAndGet(periods.size());
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Done> save(int version, String deviceId, Collection<PeriodRow> rows) {
    saves.incrementAndGet();
    RuntimeException failure = failNextSave;
    if (failure != null) {
      failNextSave = null;
      return CompletableFuture.failedFuture(failure);
    }
    CompletableFuture<Done> held = holdNextSave;
    if (held != null) {
      holdNextSave = null;
      return held.thenApply(
          done -> {
            store(version, deviceId, rows);
            return done;
          });
    }
    store(version, deviceId, rows);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private void store(int version, String deviceId, Collection<PeriodRow> rows) {
    rows.forEach(
        row ->
            rows(version, deviceId)
                .merge(
                    row.period(),
                    row,
                    (old, next) -> next.lastSeq() >= old.lastSeq() ? next : old));
  }

  @Override
  public CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    List<AggregateRow> rows = new ArrayList<>();
    snapshot(version, deviceId)
        .forEach(
            (period, row) -> {
              if (period instanceof Period.Day day
                  && !day.date().isBefore(from)
                  && !day.date().isAfter(to)
                  && row.metrics().containsKey(metric)) {
                rows.add(
                    new AggregateRow(
                        new AggregateRow.Day(deviceId, metric, day.date()),
                        row.metrics().get(metric),
                        row.lastSeq()));
              }
            });
    return CompletableFuture.completedFuture(rows);
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year) {
    List<AggregateRow> rows = new ArrayList<>();
    snapshot(version, deviceId)
        .forEach(
            (period, row) -> {
              if (period instanceof Period.Month month
                  && month.year() == year
                  && row.metrics().containsKey(metric)) {
                rows.add(
                    new AggregateRow(
                        new AggregateRow.Month(deviceId, metric, month.month()),
                        row.metrics().get(metric),
                        row.lastSeq()));
              }
            });
    return CompletableFuture.completedFuture(rows);
  }

  @Override
  public CompletionStage<List<AggregateRow>> dailyOfEarlierLayout(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthlyOfEarlierLayout(
      int version, String deviceId, String metric, int year) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<Done> registerDevice(String deviceId) {
    devices.add(deviceId);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public Source<String, NotUsed> devices() {
    return Source.from(List.copyOf(devices));
  }

  @Override
  public CompletionStage<Done> markRebuilt(int version, String deviceId, long lastSeq) {
    rebuilt.computeIfAbsent(version, v -> new ConcurrentHashMap<>()).put(deviceId, lastSeq);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Optional<Long>> rebuilt(int version, String deviceId) {
    return CompletableFuture.completedFuture(
        Optional.ofNullable(rebuilt.getOrDefault(version, Map.of()).get(deviceId)));
  }

  @Override
  public CompletionStage<Done> createTables(int version) {
    tables.computeIfAbsent(version, v -> new ConcurrentHashMap<>());
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> dropTables(int version) {
    tables.remove(version);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
