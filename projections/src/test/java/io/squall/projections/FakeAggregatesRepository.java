package io.squall.projections;

import akka.Done;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The aggregate tables in memory, one map per version. */
final class FakeAggregatesRepository implements AggregatesRepository {
  final Map<Integer, Map<AggregateRow.Key, AggregateRow>> tables = new ConcurrentHashMap<>();
  int saves;

  Map<AggregateRow.Key, AggregateRow> table(int version) {
    return tables.computeIfAbsent(version, v -> new ConcurrentHashMap<>());
  }

  @Override
  public CompletionStage<Map<AggregateRow.Key, AggregateRow>> load(
      int version, Collection<AggregateRow.Key> keys) {
    Map<AggregateRow.Key, AggregateRow> found = new HashMap<>();
    keys.forEach(
        key -> {
          AggregateRow row = table(version).get(key);
          if (row != null) {
            found.put(key, row);
          }
        });
    return CompletableFuture.completedFuture(found);
  }

  @Override
  public CompletionStage<Done> save(int version, Collection<AggregateRow> rows) {
    saves++;
    rows.forEach(row -> table(version).put(row.key(), row));
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    return CompletableFuture.completedFuture(
        table(version).values().stream()
            .filter(
                row ->
                    row.key() instanceof AggregateRow.Day day
                        && day.deviceId().equals(deviceId)
                        && day.metric().equals(metric)
                        && !day.date().isBefore(from)
                        && !day.date().isAfter(to))
            .sorted(Comparator.comparing(row -> ((AggregateRow.Day) row.key()).date()))
            .toList());
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year) {
    return CompletableFuture.completedFuture(
        table(version).values().stream()
            .filter(
                row ->
                    row.key() instanceof AggregateRow.Month month
                        && month.deviceId().equals(deviceId)
                        && month.metric().equals(metric)
                        && month.month().getYear() == year)
            .sorted(Comparator.comparing(row -> ((AggregateRow.Month) row.key()).month()))
            .toList());
  }

  @Override
  public CompletionStage<Done> createTables(int version) {
    table(version);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> dropTables(int version) {
    tables.remove(version);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
