package io.squall.projections;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Where the slices of a projection version have come, and what the journal holds after that: the
 * two questions the version cycle and the lag ask, behind one seam so both are testable alone.
 */
public interface SliceProgress {

  /** A bounded count of events: {@code capped} means "at least {@code events}". */
  record EventCount(long events, boolean capped) {}

  /**
   * How far {@code slice} of {@code version} has folded: the time-based UUID of the newest event it
   * folded (its stored offset, or its {@link SliceHighWater} when later), or empty before its
   * first.
   */
  CompletionStage<Optional<UUID>> offset(int version, int slice);

  /**
   * Events of {@code slice}'s tag after {@code offset} (from the journal's start if empty), counted
   * up to {@code limit}; a count cut short by the limit or by a time bound is {@code capped}.
   */
  CompletionStage<EventCount> eventsAfter(int slice, Optional<UUID> offset, int limit);
}
