package io.squall.projections;

import akka.Done;
import akka.persistence.query.TimeBasedUUID;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The newest journal offset each slice of a version has folded, where it is newer than the offset
 * the projection stored. Events-by-tag hands a delayed event over late, after newer ones, and the
 * projection then stores the delayed event's older offset: counted from there, the newer events it
 * already folded would look like lag forever (until the slice's next event). The stored offset
 * stays what a restart resumes from, since events older than the newest folded one may still be on
 * their way; the high water is only what progress and catch-up are measured by.
 */
public final class SliceHighWater {
  private final CassandraSession session;
  private final String table;

  public SliceHighWater(CassandraSession session, String keyspace) {
    this.session = session;
    this.table = keyspace + ".slice_high_water";
  }

  /** Creates the table if needed (its keyspace must exist). */
  public CompletionStage<Done> createTable() {
    return session.executeDDL(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (projection text, version int, slice int, high_water timeuuid,"
            + " PRIMARY KEY ((projection), version, slice))");
  }

  /** Records {@code offset} as the newest event {@code slice} of {@code version} has folded. */
  public CompletionStage<Done> record(int version, int slice, UUID offset) {
    return session.executeWrite(
        "UPDATE "
            + table
            + " SET high_water = ? WHERE projection = ? AND version = ? AND slice = ?",
        offset,
        AggregatesProjection.NAME,
        version,
        slice);
  }

  /** Forgets the high water of {@code slice} of {@code version}. */
  public CompletionStage<Done> clear(int version, int slice) {
    return session.executeWrite(
        "DELETE FROM " + table + " WHERE projection = ? AND version = ? AND slice = ?",
        AggregatesProjection.NAME,
        version,
        slice);
  }

  /** The high water of {@code slice} of {@code version}, as its handler keeps it. */
  public AggregatesHandler.HighWater of(int version, int slice) {
    return new AggregatesHandler.HighWater() {
      @Override
      public CompletionStage<Done> record(UUID offset) {
        return SliceHighWater.this.record(version, slice, offset);
      }

      @Override
      public CompletionStage<Done> clear() {
        return SliceHighWater.this.clear(version, slice);
      }
    };
  }

  /** The recorded high water of {@code slice} of {@code version}, if any. */
  public CompletionStage<Optional<UUID>> read(int version, int slice) {
    return session
        .selectOne(
            "SELECT high_water FROM "
                + table
                + " WHERE projection = ? AND version = ? AND slice = ?",
            AggregatesProjection.NAME,
            version,
            slice)
        .thenApply(row -> row.map(r -> r.getUuid("high_water")));
  }

  /** The later of two time-based offsets, in the journal's order. */
  public static Optional<UUID> later(Optional<UUID> a, Optional<UUID> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return new TimeBasedUUID(a.get()).compareTo(new TimeBasedUUID(b.get())) >= 0 ? a : b;
  }
}
