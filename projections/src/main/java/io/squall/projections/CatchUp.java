package io.squall.projections;

import akka.persistence.query.TimeBasedUUID;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a version being built has caught up with the version serving reads, so that switching
 * reads to it loses nothing. A slice has caught up when the built version has folded at least as
 * far as the serving one; a slice the built version has not started is behind unless the journal
 * holds no event of it at all — "no offset yet" is never taken for "nothing to do".
 */
public final class CatchUp {
  private final SliceProgress progress;
  private final int slices;

  /** Slices seen to hold events: the journal never forgets one, so they are asked once. */
  private final Set<Integer> withEvents = ConcurrentHashMap.newKeySet();

  public CatchUp(SliceProgress progress, int slices) {
    this.progress = progress;
    this.slices = slices;
  }

  /** What one slice's answer depends on. */
  public enum Slice {
    CAUGHT_UP,
    BEHIND,
    /** Neither version has an offset: caught up only if the journal has no event of the slice. */
    CAUGHT_UP_IF_EMPTY
  }

  /** One slice, from the offsets of the serving and of the building version. */
  public static Slice slice(Optional<UUID> serving, Optional<UUID> building) {
    if (building.isEmpty()) {
      return serving.isEmpty() ? Slice.CAUGHT_UP_IF_EMPTY : Slice.BEHIND;
    }
    if (serving.isEmpty()) {
      return Slice.CAUGHT_UP;
    }
    boolean reached =
        new TimeBasedUUID(building.get()).compareTo(new TimeBasedUUID(serving.get())) >= 0;
    return reached ? Slice.CAUGHT_UP : Slice.BEHIND;
  }

  /**
   * Whether {@code building} has caught up with {@code serving} on every slice. Offsets first; the
   * journal is asked only about slices neither version has started, and only once no slice is
   * behind. A journal query that could not finish counts as "the slice has events".
   */
  public CompletionStage<Boolean> caughtUp(int building, int serving) {
    List<CompletableFuture<Slice>> answers = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      answers.add(
          progress
              .offset(serving, slice)
              .thenCombine(progress.offset(building, slice), CatchUp::slice)
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenCompose(
            done -> {
              List<Integer> toAsk = new ArrayList<>();
              for (int slice = 0; slice < slices; slice++) {
                Slice answer = answers.get(slice).join();
                if (answer == Slice.BEHIND
                    || (answer == Slice.CAUGHT_UP_IF_EMPTY && withEvents.contains(slice))) {
                  return CompletableFuture.completedFuture(false);
                }
                if (answer == Slice.CAUGHT_UP_IF_EMPTY) {
                  toAsk.add(slice);
                }
              }
              return allEmpty(toAsk);
            });
  }

  private CompletionStage<Boolean> allEmpty(List<Integer> toAsk) {
    List<CompletableFuture<Boolean>> empty =
        toAsk.stream()
            .map(
                slice ->
                    progress
                        .eventsAfter(slice, Optional.empty(), 1)
                        .thenApply(
                            count -> {
                              boolean hasEvents = count.events() > 0 || count.capped();
                              if (count.events() > 0) {
                                withEvents.add(slice);
                              }
                              return !hasEvents;
                            })
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(empty.toArray(CompletableFuture[]::new))
        .thenApply(done -> empty.stream().allMatch(CompletableFuture::join));
  }
}
