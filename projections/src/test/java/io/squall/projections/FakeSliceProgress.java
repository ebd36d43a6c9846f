package io.squall.projections;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Offsets and a journal of event times per slice, in memory; records what the journal was asked.
 */
final class FakeSliceProgress implements SliceProgress {
  private final Map<String, UUID> offsets = new HashMap<>();
  private final Map<Integer, NavigableSet<Instant>> events = new HashMap<>();
  private final List<Integer> journalAsked = new ArrayList<>();
  private final java.util.Set<Integer> slowSlices = new java.util.HashSet<>();

  static UUID at(Instant time) {
    return Uuids.startOf(time.toEpochMilli());
  }

  /** The journal holds an event of {@code slice} written at {@code time}. */
  FakeSliceProgress event(int slice, Instant time) {
    events.computeIfAbsent(slice, s -> new TreeSet<>()).add(time);
    return this;
  }

  /** {@code version} has folded {@code slice} up to its event at {@code time}. */
  FakeSliceProgress offset(int version, int slice, Instant time) {
    offsets.put(version + "/" + slice, at(time));
    return this;
  }

  /** Queries of {@code slice} run out of time before they can answer. */
  FakeSliceProgress slow(int slice) {
    slowSlices.add(slice);
    return this;
  }

  List<Integer> journalAsked() {
    return journalAsked;
  }

  @Override
  public CompletionStage<Optional<UUID>> offset(int version, int slice) {
    return CompletableFuture.completedFuture(
        Optional.ofNullable(offsets.get(version + "/" + slice)));
  }

  @Override
  public CompletionStage<EventCount> eventsAfter(int slice, Optional<UUID> offset, int limit) {
    journalAsked.add(slice);
    if (slowSlices.contains(slice)) {
      return CompletableFuture.completedFuture(new EventCount(0, true));
    }
    NavigableSet<Instant> all = events.getOrDefault(slice, new TreeSet<>());
    long after =
        offset
            .map(uuid -> all.tailSet(ProjectionLag.timeOf(uuid), false).size())
            .orElse(all.size());
    return CompletableFuture.completedFuture(new EventCount(Math.min(after, limit), after > limit));
  }
}
