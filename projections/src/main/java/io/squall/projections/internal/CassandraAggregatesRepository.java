package io.squall.projections.internal;

import akka.Done;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.squall.projections.Aggregate;
import io.squall.projections.AggregateRow;
import io.squall.projections.AggregatesRepository;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aggregate tables in Cassandra: {@code daily_aggregates_v{N}} keyed {@code ((device_id,
 * metric, year), date)} and {@code monthly_aggregates_v{N}} keyed {@code ((device_id, metric),
 * month)}. Reads and writes go one partition per statement; writes are unlogged batches.
 */
public final class CassandraAggregatesRepository implements AggregatesRepository {
  private static final String COLUMNS = "count, min, max, sum, sum_sq, last_seq";
  private static final int PARALLEL_PARTITIONS = 32;

  private final CassandraSession session;
  private final String keyspace;
  private final Map<Integer, CompletionStage<Statements>> statements = new ConcurrentHashMap<>();

  public CassandraAggregatesRepository(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  private record Statements(
      PreparedStatement insertDay,
      PreparedStatement insertMonth,
      PreparedStatement selectDays,
      PreparedStatement selectMonths,
      PreparedStatement rangeDays,
      PreparedStatement yearMonths) {}

  private String daily(int version) {
    return keyspace + ".daily_aggregates_v" + version;
  }

  private String monthly(int version) {
    return keyspace + ".monthly_aggregates_v" + version;
  }

  /** The prepared statements of {@code version}; a failed preparation is tried again next time. */
  private CompletionStage<Statements> statements(int version) {
    CompletionStage<Statements> prepared = prepare(version);
    prepared.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            statements.remove(version, prepared);
          }
        });
    return prepared;
  }

  private CompletionStage<Statements> prepare(int version) {
    return statements.computeIfAbsent(
        version,
        v -> {
          CompletionStage<PreparedStatement> insertDay =
              session.prepare(
                  "INSERT INTO "
                      + daily(v)
                      + " (device_id, metric, year, date, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          CompletionStage<PreparedStatement> insertMonth =
              session.prepare(
                  "INSERT INTO "
                      + monthly(v)
                      + " (device_id, metric, month, "
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
          CompletionStage<PreparedStatement> selectDays =
              session.prepare(
                  "SELECT date, "
                      + COLUMNS
                      + " FROM "
                      + daily(v)
                      + " WHERE device_id = ? AND metric = ? AND year = ? AND date IN ?");
          CompletionStage<PreparedStatement> selectMonths =
              session.prepare(
                  "SELECT month, "
                      + COLUMNS
                      + " FROM "
                      + monthly(v)
                      + " WHERE device_id = ? AND metric = ? AND month IN ?");
          CompletionStage<PreparedStatement> rangeDays =
              session.prepare(
                  "SELECT date, "
                      + COLUMNS
                      + " FROM "
                      + daily(v)
                      + " WHERE device_id = ? AND metric = ? AND year = ? AND date >= ? AND date <= ?");
          CompletionStage<PreparedStatement> yearMonths =
              session.prepare(
                  "SELECT month, "
                      + COLUMNS
                      + " FROM "
                      + monthly(v)
                      + " WHERE device_id = ? AND metric = ? AND month >= ? AND month <= ?");
          return insertDay.thenCompose(
              a ->
                  insertMonth.thenCompose(
                      b ->
                          selectDays.thenCompose(
                              c ->
                                  selectMonths.thenCompose(
                                      d ->
                                          rangeDays.thenCombine(
                                              yearMonths,
                                              (e, f) -> new Statements(a, b, c, d, e, f))))));
        });
  }

  /** A partition of either table: the rows of one statement. */
  private record Partition(String deviceId, String metric, int year, boolean daily) {}

  private static Partition partitionOf(AggregateRow.Key key) {
    if (key instanceof AggregateRow.Day day) {
      return new Partition(day.deviceId(), day.metric(), day.date().getYear(), true);
    }
    return new Partition(key.deviceId(), key.metric(), 0, false);
  }

  /** {@code items} grouped by the table partition of their key, in first-seen order. */
  private static <T> Map<Partition, List<T>> byPartition(
      Collection<T> items, java.util.function.Function<T, AggregateRow.Key> key) {
    Map<Partition, List<T>> grouped = new LinkedHashMap<>();
    items.forEach(
        item ->
            grouped
                .computeIfAbsent(partitionOf(key.apply(item)), p -> new ArrayList<>())
                .add(item));
    return grouped;
  }

  @Override
  public CompletionStage<Map<AggregateRow.Key, AggregateRow>> load(
      int version, Collection<AggregateRow.Key> keys) {
    Map<Partition, List<AggregateRow.Key>> byPartition = byPartition(keys, key -> key);
    return statements(version)
        .thenCompose(
            s ->
                inParallel(
                    new ArrayList<>(byPartition.entrySet()),
                    entry -> {
                      Partition p = entry.getKey();
                      if (p.daily()) {
                        List<LocalDate> dates =
                            entry.getValue().stream()
                                .map(k -> ((AggregateRow.Day) k).date())
                                .toList();
                        return session
                            .selectAll(
                                s.selectDays().bind(p.deviceId(), p.metric(), p.year(), dates))
                            .thenApply(rows -> rows.stream().map(r -> dayRow(p, r)).toList());
                      }
                      List<String> months =
                          entry.getValue().stream()
                              .map(k -> ((AggregateRow.Month) k).month().toString())
                              .toList();
                      return session
                          .selectAll(s.selectMonths().bind(p.deviceId(), p.metric(), months))
                          .thenApply(rows -> rows.stream().map(r -> monthRow(p, r)).toList());
                    }))
        .thenApply(
            found -> {
              Map<AggregateRow.Key, AggregateRow> result = new HashMap<>();
              found.forEach(rows -> rows.forEach(row -> result.put(row.key(), row)));
              return result;
            });
  }

  @Override
  public CompletionStage<Done> save(int version, Collection<AggregateRow> rows) {
    Map<Partition, List<AggregateRow>> byPartition = byPartition(rows, AggregateRow::key);
    return statements(version)
        .thenCompose(
            s ->
                inParallel(
                    new ArrayList<>(byPartition.values()),
                    partitionRows -> {
                      BatchStatementBuilder batch =
                          BatchStatement.builder(DefaultBatchType.UNLOGGED);
                      for (AggregateRow row : partitionRows) {
                        Aggregate a = row.aggregate();
                        if (row.key() instanceof AggregateRow.Day day) {
                          batch.addStatement(
                              s.insertDay()
                                  .bind(
                                      day.deviceId(),
                                      day.metric(),
                                      day.date().getYear(),
                                      day.date(),
                                      a.count(),
                                      a.min(),
                                      a.max(),
                                      a.sum(),
                                      a.sumOfSquares(),
                                      row.lastSeq()));
                        } else {
                          AggregateRow.Month month = (AggregateRow.Month) row.key();
                          batch.addStatement(
                              s.insertMonth()
                                  .bind(
                                      month.deviceId(),
                                      month.metric(),
                                      month.month().toString(),
                                      a.count(),
                                      a.min(),
                                      a.max(),
                                      a.sum(),
                                      a.sumOfSquares(),
                                      row.lastSeq()));
                        }
                      }
                      return session.executeWriteBatch(batch.build());
                    }))
        .thenApply(done -> Done.getInstance());
  }

  @Override
  public CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    List<Integer> years = new ArrayList<>();
    for (int year = from.getYear(); year <= to.getYear(); year++) {
      years.add(year);
    }
    return statements(version)
        .thenCompose(
            s ->
                inParallel(
                    years,
                    year -> {
                      Partition p = new Partition(deviceId, metric, year, true);
                      return session
                          .selectAll(s.rangeDays().bind(deviceId, metric, year, from, to))
                          .thenApply(rows -> rows.stream().map(r -> dayRow(p, r)).toList());
                    }))
        .thenApply(perYear -> perYear.stream().flatMap(List::stream).toList());
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year) {
    Partition p = new Partition(deviceId, metric, 0, false);
    return statements(version)
        .thenCompose(
            s ->
                session.selectAll(
                    s.yearMonths()
                        .bind(
                            deviceId,
                            metric,
                            YearMonth.of(year, 1).toString(),
                            YearMonth.of(year, 12).toString())))
        .thenApply(rows -> rows.stream().map(r -> monthRow(p, r)).toList());
  }

  @Override
  public CompletionStage<Done> createTables(int version) {
    String columns =
        "count bigint, min double, max double, sum double, sum_sq double, last_seq bigint, ";
    return session
        .executeDDL(
            "CREATE TABLE IF NOT EXISTS "
                + daily(version)
                + " (device_id text, metric text, year int, date date, "
                + columns
                + "PRIMARY KEY ((device_id, metric, year), date))")
        .thenCompose(
            d ->
                session.executeDDL(
                    "CREATE TABLE IF NOT EXISTS "
                        + monthly(version)
                        + " (device_id text, metric text, month text, "
                        + columns
                        + "PRIMARY KEY ((device_id, metric), month))"));
  }

  @Override
  public CompletionStage<Done> dropTables(int version) {
    statements.remove(version);
    return session
        .executeDDL("DROP TABLE IF EXISTS " + daily(version))
        .thenCompose(d -> session.executeDDL("DROP TABLE IF EXISTS " + monthly(version)));
  }

  private static AggregateRow dayRow(Partition p, Row r) {
    return new AggregateRow(
        new AggregateRow.Day(p.deviceId(), p.metric(), r.getLocalDate("date")),
        aggregate(r),
        r.getLong("last_seq"));
  }

  private static AggregateRow monthRow(Partition p, Row r) {
    return new AggregateRow(
        new AggregateRow.Month(p.deviceId(), p.metric(), YearMonth.parse(r.getString("month"))),
        aggregate(r),
        r.getLong("last_seq"));
  }

  private static Aggregate aggregate(Row r) {
    return new Aggregate(
        r.getLong("count"),
        r.getDouble("min"),
        r.getDouble("max"),
        r.getDouble("sum"),
        r.getDouble("sum_sq"));
  }

  /** Runs {@code work} for each item, at most {@value #PARALLEL_PARTITIONS} at a time, in order. */
  private static <T, R> CompletionStage<List<R>> inParallel(
      List<T> items, java.util.function.Function<T, CompletionStage<R>> work) {
    List<R> results = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int from = 0; from < items.size(); from += PARALLEL_PARTITIONS) {
      int start = from;
      int end = Math.min(from + PARALLEL_PARTITIONS, items.size());
      chain =
          chain.thenCompose(
              ignored -> {
                List<CompletableFuture<R>> wave = new ArrayList<>();
                for (int i = start; i < end; i++) {
                  wave.add(work.apply(items.get(i)).toCompletableFuture());
                }
                return CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new))
                    .thenRun(
                        () -> {
                          for (int i = start; i < end; i++) {
                            results.set(i, wave.get(i - start).join());
                          }
                        });
              });
    }
    return chain.thenApply(ignored -> results);
  }
}
