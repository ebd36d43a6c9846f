package io.squall.projections;

import akka.actor.typed.ActorSystem;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.NoOffset;
import akka.persistence.query.Offset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.TimeBasedUUID;
import akka.projection.javadsl.ProjectionManagement;
import akka.stream.javadsl.Sink;
import io.squall.persistence.DeviceSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * {@link SliceProgress} through public APIs only: offsets from akka-projection's {@link
 * ProjectionManagement} (which asks the running slice) or the slice's {@link SliceHighWater},
 * whichever is later; events from the read journal's {@code currentEventsByTag}, cut at a count and
 * at a time so that a slice days behind costs no more.
 */
final class JournalSliceProgress implements SliceProgress {
  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;
  private final SliceHighWater highWater;
  private final Duration timeout;

  JournalSliceProgress(ActorSystem<?> system, SliceHighWater highWater, Duration timeout) {
    this.system = system;
    this.highWater = highWater;
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Optional<UUID>> offset(int version, int slice) {
    CompletionStage<Optional<UUID>> stored =
        ProjectionManagement.get(system)
            .<Offset>getOffset(AggregatesProjection.id(version, slice))
            .thenApply(offset -> offset.map(JournalSliceProgress::uuidOf));
    return stored.thenCombine(highWater.read(version, slice), SliceHighWater::later);
  }

  private static UUID uuidOf(Offset offset) {
    if (offset instanceof TimeBasedUUID uuid) {
      return uuid.value();
    }
    throw new IllegalStateException("an eventsByTag offset is a TimeBasedUUID, not " + offset);
  }

  @Override
  public CompletionStage<EventCount> eventsAfter(int slice, Optional<UUID> offset, int limit) {
    long started = System.nanoTime();
    Offset from = offset.<Offset>map(TimeBasedUUID::new).orElse(NoOffset.getInstance());
    return journal
        .currentEventsByTag(DeviceSettings.tag(slice), from)
        .take(limit + 1L)
        .takeWithin(timeout)
        .runWith(Sink.fold(0L, (count, event) -> count + 1), system)
        .thenApply(
            count -> {
              boolean timedOut = System.nanoTime() - started >= timeout.toNanos();
              return new EventCount(Math.min(count, limit), count > limit || timedOut);
            });
  }
}
