package io.squall.projections;

import akka.Done;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which version of the aggregate tables serves reads ({@code current}) and which, if any, is being
 * built from the devices' journals ({@code building}). One row in Cassandra, changed only with
 * lightweight transactions, so reads switch atomically and two rebuilds never run at once. {@code
 * layout} is 2 for tables with one row per device and period; an installation whose serving version
 * has the earlier layout (one row per metric, built from events by tag) reads those tables until a
 * rebuild moves it.
 */
public final class ProjectionVersions {
  private static final String PROJECTION = AggregatesProjection.NAME;

  /** The table layout of this build: one row per device and period, every metric in it. */
  public static final int LAYOUT = 2;

  /** The versions as last read; {@code legacy} when the serving version has the earlier layout. */
  public record State(int current, OptionalInt building, boolean legacy) {
    /** Where this state stands among the states versions move through, oldest first. */
    long order() {
      return 2L * current + (building.isPresent() ? 1 : 0);
    }

    /** Whether {@code version} neither serves reads nor is being built. */
    public boolean retired(int version) {
      return version != current && (building.isEmpty() || building.getAsInt() != version);
    }
  }

  private final CassandraSession session;
  private final String table;
  private final AtomicReference<State> state =
      new AtomicReference<>(new State(1, OptionalInt.empty(), false));

  private ProjectionVersions(CassandraSession session, String keyspace) {
    this.session = session;
    this.table = keyspace + ".projection_versions";
  }

  /**
   * Creates the keyspace, the versions table and {@code alongside} (more tables, created at the
   * same time) if needed, with version 1 serving when nothing serves yet; answers the serving
   * version.
   */
  public static CompletionStage<Integer> createSchema(
      CassandraSession session,
      ProjectionSettings settings,
      java.util.function.Supplier<CompletionStage<Done>> alongside) {
    ProjectionVersions versions = new ProjectionVersions(session, settings.keyspace());
    return session
        .executeDDL(
            "CREATE KEYSPACE IF NOT EXISTS "
                + settings.keyspace()
                + " WITH replication = "
                + settings.replication().cql())
        .thenCompose(
            d ->
                session
                    .executeDDL(
                        "CREATE TABLE IF NOT EXISTS "
                            + versions.table
                            + " (projection text PRIMARY KEY, current int, building int,"
                            + " layout int)")
                    .thenCombine(alongside.get(), (a, b) -> Done.getInstance()))
        .thenCompose(
            d ->
                // a versions table of the earlier layout has no layout column yet
                session
                    .selectOne("SELECT layout FROM " + versions.table + " LIMIT 1")
                    .thenApply(row -> Done.getInstance())
                    .exceptionallyCompose(
                        noColumn ->
                            session.executeDDL(
                                "ALTER TABLE " + versions.table + " ADD layout int")))
        .thenCompose(
            d ->
                session
                    .selectOne(
                        "SELECT current FROM " + versions.table + " WHERE projection = ?",
                        PROJECTION)
                    .thenCompose(
                        row ->
                            row.isPresent()
                                ? CompletableFuture.completedFuture(Done.getInstance())
                                : firstVersion(session, versions.table)))
        .thenCompose(d -> versions.refresh())
        .thenApply(State::current);
  }

  /**
   * Version 1 serving, written at the earliest timestamp there is: any versions row written for
   * real, by a rebuild or restored from a backup ({@code nodetool import} keeps the backup's own
   * timestamps), wins over it, whichever reaches Cassandra first.
   */
  private static CompletionStage<Done> firstVersion(CassandraSession session, String table) {
    return session.executeWrite(
        "INSERT INTO "
            + table
            + " (projection, current, layout) VALUES (?, 1, ?) USING TIMESTAMP 1",
        PROJECTION,
        LAYOUT);
  }

  /** Reads the versions; fails, naming {@code squall schema}, when the schema is not there. */
  public static CompletionStage<ProjectionVersions> open(
      CassandraSession session, ProjectionSettings settings) {
    ProjectionVersions versions = new ProjectionVersions(session, settings.keyspace());
    return session
        .selectOne(
            "SELECT current, building, layout FROM " + versions.table + " WHERE projection = ?",
            PROJECTION)
        .handle(
            (row, failure) -> {
              if (failure != null || row.isEmpty()) {
                throw new SchemaMissingException(
                    "the aggregates' versions table "
                        + versions.table
                        + " is missing or empty: run `squall schema` (or start a node with"
                        + " SQUALL_SCHEMA_AUTOCREATE=true)",
                    failure);
              }
              versions.state.set(toState(row.get()));
              return versions;
            });
  }

  public State state() {
    return state.get();
  }

  /**
   * Reads the versions again, as the lightweight transactions left them (a serial read). Versions
   * only move forward: a read that completes after a newer one changes nothing.
   */
  public CompletionStage<State> refresh() {
    return session
        .selectOne(
            SimpleStatement.newInstance(
                    "SELECT current, building, layout FROM " + table + " WHERE projection = ?",
                    PROJECTION)
                .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL))
        .thenApply(
            row ->
                row.map(
                        r ->
                            state.updateAndGet(
                                known -> {
                                  State read = toState(r);
                                  return read.order() >= known.order() ? read : known;
                                }))
                    .orElse(state.get()));
  }

  private static State toState(Row row) {
    return new State(
        row.getInt("current"),
        row.isNull("building") ? OptionalInt.empty() : OptionalInt.of(row.getInt("building")),
        row.isNull("layout") || row.getInt("layout") < LAYOUT);
  }

  /** Starts building the next version; fails with {@link RebuildInProgressException} if one is. */
  public CompletionStage<Integer> startRebuild() {
    return refresh()
        .thenCompose(
            current -> {
              int next = current.current() + 1;
              return session
                  .selectOne(
                      "UPDATE "
                          + table
                          + " SET building = ? WHERE projection = ? IF building = null",
                      next,
                      PROJECTION)
                  .thenCompose(
                      applied -> {
                        if (applied(applied)) {
                          return refresh().thenApply(s -> next);
                        }
                        return refresh()
                            .thenApply(
                                s -> {
                                  throw new RebuildInProgressException(s.building().orElse(next));
                                });
                      });
            });
  }

  /** Makes {@code version} serve reads, if it is the one being built; true if this call did. */
  public CompletionStage<Boolean> switchTo(int version) {
    return session
        .selectOne(
            "UPDATE "
                + table
                + " SET current = ?, building = null, layout = ? WHERE projection = ? IF building = ?",
            version,
            LAYOUT,
            PROJECTION,
            version)
        .thenCompose(applied -> refresh().thenApply(s -> applied(applied)));
  }

  private static boolean applied(Optional<Row> row) {
    return row.map(r -> r.getBoolean("[applied]")).orElse(false);
  }
}
