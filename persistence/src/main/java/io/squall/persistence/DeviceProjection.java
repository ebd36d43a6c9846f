package io.squall.persistence;

import akka.Done;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a Device's events become its aggregate rows: the Device calls it after each persist and
 * answers only once what it returns has completed. Persistence defines it, the projections module
 * implements it, the node wires the two, so the Device never depends on the tables.
 *
 * <p>Every method must be replay-safe: projecting an event, or any suffix of the journal, again
 * leaves every row as it was.
 */
public interface DeviceProjection {

  /**
   * A writer for one incarnation of device {@code deviceId}'s entity; it may keep rows in memory.
   */
  Writer writer(String deviceId);

  /** What one Device incarnation calls, always from its own thread and one call at a time. */
  interface Writer {
    /**
     * Makes the rows of {@code event}, the device's event number {@code sequenceNr}, durable.
     * {@code prior} tells which of the event's days and months held readings before it.
     */
    CompletionStage<Done> project(
        Device.ReadingsRecorded event, long sequenceNr, Device.PriorPeriods prior);

    /**
     * After a recovery to {@code lastSequenceNr}: re-projects what the journal holds beyond the
     * rows, before the device answers anything. {@code lastEvent} is the event at {@code
     * lastSequenceNr} when the recovery replayed it (empty when it came from a snapshot); {@code
     * lastEventDays} the UTC days of its readings when the state knows them.
     */
    CompletionStage<Done> recover(
        long lastSequenceNr,
        Optional<Device.ReadingsRecorded> lastEvent,
        Optional<Set<LocalDate>> lastEventDays);

    /**
     * Projects the device's whole journal, up to {@code lastSequenceNr}, into {@code version}, then
     * projects every later event there too; completes when the device's rows of that version are
     * whole.
     */
    CompletionStage<Done> rebuild(int version, long lastSequenceNr);
  }

  /** No rows at all: for tests and tools that run devices without the aggregate tables. */
  DeviceProjection NONE =
      deviceId ->
          new Writer() {
            private final CompletionStage<Done> done =
                CompletableFuture.completedFuture(Done.getInstance());

            @Override
            public CompletionStage<Done> project(
                Device.ReadingsRecorded event, long sequenceNr, Device.PriorPeriods prior) {
              return done;
            }

            @Override
            public CompletionStage<Done> recover(
                long lastSequenceNr,
                Optional<Device.ReadingsRecorded> lastEvent,
                Optional<Set<LocalDate>> lastEventDays) {
              return done;
            }

            @Override
            public CompletionStage<Done> rebuild(int version, long lastSequenceNr) {
              return done;
            }
          };
}
