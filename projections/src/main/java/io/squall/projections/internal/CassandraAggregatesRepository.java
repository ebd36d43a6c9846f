package io.squall.projections.internal;

import akka.Done;
import akka.NotUsed;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.javadsl.Source;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The aggregate tables in Cassandra. {@code aggregates_v{N}}: one partition per device and year,
 * one row per day and per month (keyed {@code ((device_id, year), kind, period)}, period an ISO
 * date or month) with every metric in it, a {@code (count, min, max, sum, sum_sq)} tuple each — so
 * an event's rows of one year are one single-partition batch. {@code devices}: the known devices.
 * {@code rebuilt_v{N}}: the devices a rebuild of version N finished.
 */
public final class CassandraAggregatesRepository implements AggregatesRepository {
  /** Cassandra warns at 5 KiB per batch by default; a batch's rows are estimated below this. */
  private static final int BATCH_BYTES = 4_096;

  private static final TupleType AGGREGATE =
      DataTypes.tupleOf(
          DataTypes.BIGINT, DataTypes.DOUBLE, DataTypes.DOUBLE, DataTypes.DOUBLE, DataTypes.DOUBLE);

  private final CassandraSession session;
  private final String keyspace;
  private final Map<Integer, CompletionStage<Statements>> statements = new ConcurrentHashMap<>();
  private volatile CompletionStage<PreparedStatement> registerDevice;

  public CassandraAggregatesRepository(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  private record Statements(
      PreparedStatement insert,
      PreparedStatement select,
      PreparedStatement range,
      PreparedStatement markRebuilt,
      PreparedStatement rebuilt) {}

  private String aggregates(int version) {
    return keyspace + ".aggregates_v" + version;
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
                + aggregates(v)
                + " (device_id, year, kind, period, metrics, last_seq) VALUES (?, ?, ?, ?, ?, ?)"
                + " USING TIMESTAMP ?",
            "SELECT kind, period, metrics, last_seq FROM "
                + aggregates(v)
                + " WHERE device_id = ? AND year = ? AND kind = ? AND period IN ?",
            "SELECT kind, period, metrics, last_seq FROM "
                + aggregates(v)
                + " WHERE device_id = ? AND year = ? AND kind = ? AND period >= ? AND period <= ?",
            "INSERT INTO "
                + rebuiltTable(v)
                + " (device_id, last_seq) VALUES (?, ?) USING TIMESTAMP ?",
            "SELECT last_seq FROM " + rebuiltTable(v) + " WHERE device_id = ?");
    List<CompletableFuture<PreparedStatement>> prepared =
        cql.stream().map(q -> session.prepare(q).toCompletableFuture()).toList();
    return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<PreparedStatement> s = prepared.stream().map(CompletableFuture::join).toList();
              return new Statements(s.get(0), s.get(1), s.get(2), s.get(3), s.get(4));
            });
  }

  @Override
  public CompletionStage<Map<Period, PeriodRow>> load(
      int version, String deviceId, Collection<Period> periods) {
    // one query per partition and kind: a device's days, or its months, of one year
    Map<List<Object>, List<String>> grouped = new LinkedHashMap<>();
    periods.forEach(
        p ->
            grouped
                .computeIfAbsent(List.of(p.year(), p.kind()), k -> new ArrayList<>())
                .add(p.key()));
    return statements(version)
        .thenCompose(
            s -> {
              List<CompletionStage<List<Row>>> reads = new ArrayList<>();
              grouped.forEach(
                  (partitionAndKind, keys) ->
                      reads.add(
                          session.selectAll(
                              quorum(
                                  s.select()
                                      .bind(
                                          deviceId,
                                          partitionAndKind.get(0),
                                          partitionAndKind.get(1),
                                          keys)))));
              return all(reads);
            })
        .thenApply(
            found -> {
              Map<Period, PeriodRow> rows = new HashMap<>();
              found.forEach(
                  partition ->
                      partition.forEach(
                          r -> {
                            PeriodRow row = row(r);
                            rows.put(row.period(), row);
                          }));
              return rows;
            });
  }

  @Override
  public CompletionStage<List<PeriodRow>> range(
      int version, String deviceId, List<? extends Period> periods) {
    if (periods.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Period first = periods.get(0);
    Period last = periods.get(periods.size() - 1);
    return statements(version)
        .thenCompose(
            s -> {
              List<CompletionStage<List<Row>>> years = new ArrayList<>();
              for (int year = first.year(); year <= last.year(); year++) {
                years.add(
                    session.selectAll(
                        quorum(
                            s.range()
                                .bind(deviceId, year, first.kind(), first.key(), last.key()))));
              }
              return all(years);
            })
        .thenApply(perYear -> perYear.stream().flatMap(List::stream).map(r -> row(r)).toList());
  }

  @Override
  public CompletionStage<Done> save(int version, String deviceId, Collection<PeriodRow> rows) {
    if (rows.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Map<Integer, List<PeriodRow>> byYear = new LinkedHashMap<>();
    rows.forEach(
        row -> byYear.computeIfAbsent(row.period().year(), y -> new ArrayList<>()).add(row));
    return statements(version)
        .thenCompose(
            s -> {
              List<CompletionStage<Done>> writes = new ArrayList<>();
              byYear.forEach(
                  (year, partitionRows) -> {
                    List<BoundStatement> chunk = new ArrayList<>();
                    int bytes = 0;
                    for (PeriodRow row : partitionRows) {
                      int size = estimatedBytes(row);
                      if (bytes > 0 && bytes + size > BATCH_BYTES) {
                        writes.add(write(chunk));
                        chunk = new ArrayList<>();
                        bytes = 0;
                      }
                      chunk.add(insert(s, deviceId, row));
                      bytes += size;
                    }
                    writes.add(write(chunk));
                  });
              return all(writes).thenApply(done -> Done.getInstance());
            });
  }

  /** One row as a plain write, more as an unlogged batch of their one partition. */
  private CompletionStage<Done> write(List<BoundStatement> inserts) {
    if (inserts.size() == 1) {
      return session.executeWrite(quorum(inserts.get(0)));
    }
    BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
    inserts.forEach(batch::addStatement);
    return session.executeWriteBatch(quorum(batch.build()));
  }

  private static int estimatedBytes(PeriodRow row) {
    int bytes = 64;
    for (String metric : row.metrics().keySet()) {
      bytes += metric.length() + 72;
    }
    return bytes;
  }

  private static BoundStatement insert(Statements s, String deviceId, PeriodRow row) {
    Map<String, TupleValue> metrics = new TreeMap<>();
    row.metrics()
        .forEach(
            (metric, a) ->
                metrics.put(
                    metric,
                    AGGREGATE.newValue(a.count(), a.min(), a.max(), a.sum(), a.sumOfSquares())));
    Period period = row.period();
    return s.insert()
        .bind(
            deviceId,
            period.year(),
            period.kind(),
            period.key(),
            metrics,
            row.lastSeq(),
            row.lastSeq());
  }

  @Override
  public CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to) {
    return statements(version)
        .thenCompose(
            s -> {
              List<CompletionStage<List<Row>>> years = new ArrayList<>();
              for (int year = from.getYear(); year <= to.getYear(); year++) {
                years.add(
                    session.selectAll(
                        s.range()
                            .bind(
                                deviceId, year, Period.Day.KIND, from.toString(), to.toString())));
              }
              return all(years);
            })
        .thenApply(perYear -> metricRows(deviceId, metric, perYear));
  }

  @Override
  public CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year) {
    return statements(version)
        .thenCompose(
            s ->
                session.selectAll(
                    quorum(
                        s.range()
                            .bind(
                                deviceId,
                                year,
                                Period.Month.KIND,
                                YearMonth.of(year, 1).toString(),
                                YearMonth.of(year, 12).toString()))))
        .thenApply(rows -> metricRows(deviceId, metric, List.of(rows)));
  }

  /** The rows' figures of {@code metric}, as the API reads them, in order. */
  private static List<AggregateRow> metricRows(
      String deviceId, String metric, List<List<Row>> partitions) {
    List<PeriodRow> rows = new ArrayList<>();
    partitions.forEach(partition -> partition.forEach(r -> rows.add(row(r))));
    return PeriodRow.figures(deviceId, metric, rows);
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
    return prepared.thenCompose(p -> session.executeWrite(quorum(p.bind(deviceId))));
  }

  @Override
  public Source<String, NotUsed> devices() {
    return session
        .select(
            quorum(
                com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "SELECT device_id FROM " + keyspace + ".devices")))
        .map(row -> row.getString("device_id"));
  }

  @Override
  public CompletionStage<Done> markRebuilt(int version, String deviceId, long lastSeq) {
    return statements(version)
        .thenCompose(
            s -> session.executeWrite(quorum(s.markRebuilt().bind(deviceId, lastSeq, lastSeq))));
  }

  @Override
  public CompletionStage<Optional<Long>> rebuilt(int version, String deviceId) {
    return statements(version)
        .thenCompose(s -> session.selectOne(quorum(s.rebuilt().bind(deviceId))))
        .thenApply(row -> row.map(r -> r.getLong("last_seq")));
  }

  /** Creates the tables at once: schema changes issued together settle together. */
  @Override
  public CompletionStage<Done> createTables(int version) {
    return all(List.of(
            session.executeDDL(
                "CREATE TABLE IF NOT EXISTS "
                    + aggregates(version)
                    + " (device_id text, year int, kind text, period text, metrics"
                    + " frozen<map<text, frozen<tuple<bigint, double, double, double, double>>>>,"
                    + " last_seq bigint, PRIMARY KEY ((device_id, year), kind, period))"),
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
            aggregates(version),
            rebuiltTable(version),
            keyspace + ".daily_aggregates_v" + version,
            keyspace + ".monthly_aggregates_v" + version)) {
      dropped = dropped.thenCompose(d -> session.executeDDL("DROP TABLE IF EXISTS " + table));
    }
    return dropped;
  }

  private static PeriodRow row(Row r) {
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
    return new PeriodRow(
        Period.of(r.getString("kind"), r.getString("period")), metrics, r.getLong("last_seq"));
  }

  /**
   * {@code statement} at LOCAL_QUORUM: a device reads back what it wrote (rows, marks) from any
   * replica set, as the journal does, so a stale replica never becomes the base of a newer row.
   */
  private static <S extends com.datastax.oss.driver.api.core.cql.Statement<S>> S quorum(
      S statement) {
    return statement.setConsistencyLevel(DefaultConsistencyLevel.LOCAL_QUORUM);
  }

  private static <R> CompletionStage<List<R>> all(List<CompletionStage<R>> stages) {
    List<CompletableFuture<R>> futures =
        stages.stream().map(CompletionStage::toCompletableFuture).toList();
    return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .thenApply(done -> futures.stream().map(CompletableFuture::join).toList());
  }
}
