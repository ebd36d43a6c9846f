package io.squall.projections.internal;

import akka.Done;
import akka.NotUsed;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.javadsl.Source;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.TupleValue;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import io.squall.projections.Aggregate;
import io.squall.projections.AggregateRow;
import io.squall.projections.AggregatesRepository;
import io.squall.projections.Period;
import io.squall.projections.PeriodRow;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The aggregate tables in Cassandra, one row per device and period with every metric in it: {@code
 * daily_v{N}} keyed {@code ((device_id, year), date)} and {@code monthly_v{N}} keyed {@code
 * ((device_id, year), month)}, each metric a {@code (count, min, max, sum, sum_sq)} tuple; the
 * known {@code devices}; {@code rebuilt_v{N}}, the devices a rebuild of version N finished.
 */
public final class CassandraAggregatesRepository implements AggregatesRepository {
  /** Cassandra warns at 5 KiB per batch by default; a batch's rows are estimated below this. */
  private static final int BATCH_BYTES = 4_096;

  private static final TupleType AGGREGATE =
      DataTypes.tupleOf(
          DataTypes.BIGINT, DataTypes.DOUBLE, DataTypes.DOUBLE, DataTypes.DOUBLE, DataTypes.DOUBLE);
  private static final String METRICS =
      "metrics frozen<map<text, frozen<tuple<bigint, double, double, double, double>>>>";

  private final CassandraSession session;
  private final String keyspace;
  private final Map<Integer, CompletionStage<Statements>> statements = new ConcurrentHashMap<>();
  private volatile CompletionStage<PreparedStatement> registerDevice;

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
      PreparedStatement yearMonths,
      PreparedStatement markRebuilt,
      PreparedStatement rebuilt) {}

  private String daily(int version) {
    return keyspace + ".daily_v" + version;
  }

  private String monthly(int version) {
    return keyspace + ".monthly_v" + version;
  }

  private String rebuiltTable(int version) {
    return keyspace + ".rebuilt_v" + version;
  }

  /** The prepared statements of {@code version}; a failed preparation is tried again next time. */
  private CompletionStage<Statements> statements(int version) {
    CompletionStage<Statements> prepared = statements.computeIfAbsent(version, this::prepare);
    prepared.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            statements.remove(version, prepared);
          }
        });
    return prepared;
  }

  private CompletionStage<Statements> prepare(int v) {
    List<String> cql =
        List.of(
            "INSERT INTO "
                + daily(v)
                + " (device_id, year, date, metrics, last_seq) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?",
            "INSERT INTO "
                + monthly(v)
                + " (device_id, year, month, metrics, last_seq) VALUES (?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?",
            "SELECT date, metrics, last_seq FROM "
                + daily(v)
                + " WHERE device_id = ? AND year = ? AND date IN ?",
            "SELECT month, metrics, last_seq FROM "
                + monthly(v)
                + " WHERE device_id = ? AND year = ? AND month IN ?",
            "SELECT date, metrics, last_seq FROM "
                + daily(v)
                + " WHERE device_id = ? AND year = ? AND date >= ? AND date <= ?",
            "SELECT month, metrics, last_seq FROM "
                + monthly(v)
                + " WHERE device_id = ? AND year = ?",
            "INSERT INTO " + rebuiltTable(v) + " (device_id, last_seq) VALUES (?, ?)",
            "SELECT last_seq FROM " + rebuiltTable(v) + " WHERE device_id = ?");
    List<CompletableFuture<PreparedStatement>> prepared =
        cql.stream().map(q -> session.prepare(q).toCompletableFuture()).toList();
    return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<PreparedStatement> s = prepared.stream().map(CompletableFuture::join).toList();
              return new Statements(
                  s.get(0), s.get(1), s.get(2), s.get(3), s.get(4), s.get(5), s.get(6), s.get(7));
            });
  }

  /** A table partition of one device: its days or its months of one year. */
  private record Partition(boolean daily, int year) {
    static Partition of(Period period) {
      return new Partition(period instanceof Period.Day, period.year());
    }
  }

  private static <T> Map<Partition, List<T>> byPartition(
      Collection<T> items, Function<T, Period> period) {
    Map<Partition, List<T>> grouped = new java.util.LinkedHashMap<>();
    items.forEach(
        item ->
            grouped
                .computeIfAbsent(Partition.of(period.apply(item)), p -> new ArrayList<>())
                .add(item));
    return grouped;
  }

  @Override
  public CompletionStage<Map<Period, PeriodRow>> load(
      int version, String deviceId, Collection<Period> periods) {
    Map<Partition, List<Period>> grouped = byPartition(periods, p -> p);
    return statements(version)
        .thenCompose(
            s ->
                all(
                    grouped.entrySet().stream()
                        .map(
                            entry -> {
                              Partition p = entry.getKey();
                              if (p.daily()) {
                                List<LocalDate> dates =
                                    entry.getValue().stream()
                                        .map(d -> ((Period.Day) d).date())
                                        .toList();
                                return session
                                    .selectAll(s.selectDays().bind(deviceId, p.year(), dates))
                                    .thenApply(rows -> rows.stream().map(r -> dayRow(r)).toList());
                              }
                              List<Integer> months =
                                  entry.getValue().stream()
                                      .map(m -> ((Period.Month) m).month().getMonthValue())
                                      .toList();
                              return session
                                  .selectAll(s.selectMonths().bind(deviceId, p.year(), months))
                                  .thenApply(
                                      rows ->
                                          rows.stream().map(r -> monthRow(p.year(), r)).toList());
                            })
                        .toList()))
        .thenApply(
            found -> {
              Map<Period, PeriodRow> result = new HashMap<>();
              found.forEach(rows -> rows.forEach(row -> result.put(row.period(), row)));
              return result;
            });
  }

  @Override
  public CompletionStage<Done> save(int version, String deviceId, Collection<PeriodRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Map<Partition, List<PeriodRow>> grouped = byPartition(rows, PeriodRow::period);
    return statements(version)
        .thenCompose(
            s -> {
              List<CompletionStage<Done>> writes = new ArrayList<>();
              grouped.forEach(
                  (partition, partitionRows) -> {
                    BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
                    int bytes = 0;
                    for (PeriodRow row : partitionRows) {
                      int size = estimatedBytes(row);
                      if (bytes > 0 && bytes + size > BATCH_BYTES) {
                        writes.add(session.executeWriteBatch(batch.build()));
                        batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
                        bytes = 0;
                      }
                      batch.addStatement(insert(s, deviceId, row));
                      bytes += size;
                    }
                    writes.add(session.executeWriteBatch(batch.build()));
                  });
              return all(writes).thenApply(done -> Done.getInstance());
            });
  }

  private static int estimatedBytes(PeriodRow row) {
    int bytes = 48;
    for (String metric : row.metrics().keySet()) {
      bytes += metric.length() + 64;
    }
    return bytes;
  }

  private static com.datastax.oss.driver.api.core.cql.BoundStatement insert(
      Statements s, String deviceId, PeriodRow row) {
    Map<String, TupleValue> metrics = new TreeMap<>();
    row.metrics()
        .forEach(
            (metric, a) ->
                metrics.put(
                    metric,
                    AGGREGATE.newValue(a.count(), a.min(), a.max(), a.sum(), a.sumOfSquares())));
    if (row.period() instanceof Period.Day day) {
      return s.insertDay()
          .bind(deviceId, day.year(), day.date(), metrics, row.lastSeq(), row.lastSeq());
    }
    Period.Month month = (Period.Month) row.period();
    return s.insertMonth()
        .bind(
            deviceId,
            month.year(),
            month.month().getMonthValue(),
            metrics,
            row.lastSeq(),
            row.lastSeq());
  }

  @Override
  public CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    List<CompletionStage<List<AggregateRow>>> years = new ArrayList<>();
    return statements(version)
        .thenCompose(
            s -> {
              for (int year = from.getYear(); year <= to.getYear(); year++) {
                years.add(
                    session
                        .selectAll(s.rangeDays().bind(deviceId, year, from, to))
                        .thenApply(
                            rows ->
                                rows.stream()
                                    .map(r -> metricRow(deviceId, metric, dayRow(r)))
                                    .flatMap(Optional::stream)
                                    .toList()));
              }
              return all(years);
            })
        .thenApply(perYear -> perYear.stream().flatMap(List::stream).toList());
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year) {
    return statements(version)
        .thenCompose(s -> session.selectAll(s.yearMonths().bind(deviceId, year)))
        .thenApply(
            rows ->
                rows.stream()
                    .map(r -> metricRow(deviceId, metric, monthRow(year, r)))
                    .flatMap(Optional::stream)
                    .toList());
  }

  @Override
  public CompletionStage<List<AggregateRow>> dailyOfEarlierLayout(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    List<CompletionStage<List<AggregateRow>>> years = new ArrayList<>();
    for (int year = from.getYear(); year <= to.getYear(); year++) {
      years.add(
          session
              .selectAll(
                  "SELECT date, count, min, max, sum, sum_sq, last_seq FROM "
                      + keyspace
                      + ".daily_aggregates_v"
                      + version
                      + " WHERE device_id = ? AND metric = ? AND year = ? AND date >= ? AND date <= ?",
                  deviceId,
                  metric,
                  year,
                  from,
                  to)
              .thenApply(
                  rows ->
                      rows.stream()
                          .map(
                              r ->
                                  new AggregateRow(
                                      new AggregateRow.Day(
                                          deviceId, metric, r.getLocalDate("date")),
                                      earlierAggregate(r),
                                      r.getLong("last_seq")))
                          .toList()));
    }
    return all(years).thenApply(perYear -> perYear.stream().flatMap(List::stream).toList());
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthlyOfEarlierLayout(
      int version, String deviceId, String metric, int year) {
    return session
        .selectAll(
            "SELECT month, count, min, max, sum, sum_sq, last_seq FROM "
                + keyspace
                + ".monthly_aggregates_v"
                + version
                + " WHERE device_id = ? AND metric = ? AND month >= ? AND month <= ?",
            deviceId,
            metric,
            YearMonth.of(year, 1).toString(),
            YearMonth.of(year, 12).toString())
        .thenApply(
            rows ->
                rows.stream()
                    .map(
                        r ->
                            new AggregateRow(
                                new AggregateRow.Month(
                                    deviceId, metric, YearMonth.parse(r.getString("month"))),
                                earlierAggregate(r),
                                r.getLong("last_seq")))
                    .toList());
  }

  private static Aggregate earlierAggregate(Row r) {
    return new Aggregate(
        r.getLong("count"),
        r.getDouble("min"),
        r.getDouble("max"),
        r.getDouble("sum"),
        r.getDouble("sum_sq"));
  }

  /** {@code row}'s figures of {@code metric}, as the API reads them. */
  private static Optional<AggregateRow> metricRow(String deviceId, String metric, PeriodRow row) {
    Aggregate aggregate = row.metrics().get(metric);
    if (aggregate == null) {
      return Optional.empty();
    }
    AggregateRow.Key key =
        row.period() instanceof Period.Day day
            ? new AggregateRow.Day(deviceId, metric, day.date())
            : new AggregateRow.Month(deviceId, metric, ((Period.Month) row.period()).month());
    return Optional.of(new AggregateRow(key, aggregate, row.lastSeq()));
  }

  @Override
  public CompletionStage<Done> registerDevice(String deviceId) {
    CompletionStage<PreparedStatement> prepared = registerDevice;
    if (prepared == null) {
      prepared = session.prepare("INSERT INTO " + keyspace + ".devices (device_id) VALUES (?)");
      registerDevice = prepared;
      prepared.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              registerDevice = null;
            }
          });
    }
    return prepared.thenCompose(p -> session.executeWrite(p.bind(deviceId)));
  }

  @Override
  public Source<String, NotUsed> devices() {
    return session
        .select("SELECT device_id FROM " + keyspace + ".devices")
        .map(row -> row.getString("device_id"));
  }

  @Override
  public CompletionStage<Done> markRebuilt(int version, String deviceId, long lastSeq) {
    return statements(version)
        .thenCompose(s -> session.executeWrite(s.markRebuilt().bind(deviceId, lastSeq)));
  }

  @Override
  public CompletionStage<Optional<Long>> rebuilt(int version, String deviceId) {
    return statements(version)
        .thenCompose(s -> session.selectOne(s.rebuilt().bind(deviceId)))
        .thenApply(row -> row.map(r -> r.getLong("last_seq")));
  }

  /** Creates the four tables at once: schema changes issued together settle together. */
  @Override
  public CompletionStage<Done> createTables(int version) {
    return all(List.of(
            session.executeDDL(
                "CREATE TABLE IF NOT EXISTS "
                    + daily(version)
                    + " (device_id text, year int, date date, "
                    + METRICS
                    + ", last_seq bigint, PRIMARY KEY ((device_id, year), date))"),
            session.executeDDL(
                "CREATE TABLE IF NOT EXISTS "
                    + monthly(version)
                    + " (device_id text, year int, month int, "
                    + METRICS
                    + ", last_seq bigint, PRIMARY KEY ((device_id, year), month))"),
            session.executeDDL(
                "CREATE TABLE IF NOT EXISTS "
                    + rebuiltTable(version)
                    + " (device_id text PRIMARY KEY, last_seq bigint)"),
            session.executeDDL(
                "CREATE TABLE IF NOT EXISTS "
                    + keyspace
                    + ".devices (device_id text PRIMARY KEY)")))
        .thenApply(created -> Done.getInstance());
  }

  /** Drops the tables of {@code version}, those of the earlier layout with them. */
  @Override
  public CompletionStage<Done> dropTables(int version) {
    statements.remove(version);
    CompletionStage<Done> dropped = CompletableFuture.completedFuture(Done.getInstance());
    for (String table :
        List.of(
            daily(version),
            monthly(version),
            rebuiltTable(version),
            keyspace + ".daily_aggregates_v" + version,
            keyspace + ".monthly_aggregates_v" + version)) {
      dropped = dropped.thenCompose(d -> session.executeDDL("DROP TABLE IF EXISTS " + table));
    }
    return dropped;
  }

  private static PeriodRow dayRow(Row r) {
    return new PeriodRow(new Period.Day(r.getLocalDate("date")), metrics(r), r.getLong("last_seq"));
  }

  private static PeriodRow monthRow(int year, Row r) {
    return new PeriodRow(
        new Period.Month(YearMonth.of(year, r.getInt("month"))), metrics(r), r.getLong("last_seq"));
  }

  private static Map<String, Aggregate> metrics(Row r) {
    Map<String, Aggregate> metrics = new HashMap<>();
    r.getMap("metrics", String.class, TupleValue.class)
        .forEach(
            (metric, t) ->
                metrics.put(
                    metric,
                    new Aggregate(
                        t.getLong(0),
                        t.getDouble(1),
                        t.getDouble(2),
                        t.getDouble(3),
                        t.getDouble(4))));
    return metrics;
  }

  private static <R> CompletionStage<List<R>> all(List<CompletionStage<R>> stages) {
    List<CompletableFuture<R>> futures =
        stages.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }
}
