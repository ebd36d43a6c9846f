package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CatchUpTest {
  private static final int SERVING = 1;
  private static final int BUILDING = 2;
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  private static Optional<UUID> at(long seconds) {
    return Optional.of(FakeSliceProgress.at(T0.plusSeconds(seconds)));
  }

  private static boolean caughtUp(FakeSliceProgress progress, int slices) throws Exception {
    return new CatchUp(progress, slices).caughtUp(BUILDING, SERVING).toCompletableFuture().get();
  }

  @Test
  void shouldTakeASliceAsCaughtUpOnceTheBuiltVersionReachedTheServingOffset() {
    assertEquals(CatchUp.Slice.CAUGHT_UP, CatchUp.slice(at(10), at(10)));
    assertEquals(CatchUp.Slice.CAUGHT_UP, CatchUp.slice(at(10), at(11)));
    assertEquals(CatchUp.Slice.BEHIND, CatchUp.slice(at(10), at(9)));
  }

  @Test
  void shouldNeverTakeAMissingOffsetOfTheBuiltVersionForCaughtUp() {
    assertEquals(CatchUp.Slice.BEHIND, CatchUp.slice(at(10), Optional.empty()));
    assertEquals(
        CatchUp.Slice.CAUGHT_UP_IF_EMPTY, CatchUp.slice(Optional.empty(), Optional.empty()));
    assertEquals(CatchUp.Slice.CAUGHT_UP, CatchUp.slice(Optional.empty(), at(3)));
  }

  @Test
  void shouldNotSwitchWhileASliceWithEventsHasNoOffsetInEitherVersion() throws Exception {
    // the serving version lost its offset of slice 1 (or never stored one); events exist
    FakeSliceProgress progress =
        new FakeSliceProgress()
            .event(0, T0)
            .event(1, T0.plusSeconds(5))
            .offset(SERVING, 0, T0)
            .offset(BUILDING, 0, T0);
    assertFalse(caughtUp(progress, 2));
    assertEquals(List.of(1), progress.journalAsked());
  }

  @Test
  void shouldSwitchWhenEveryStartedSliceReachedTheServingOffsetAndTheOthersHaveNoEvents()
      throws Exception {
    FakeSliceProgress progress =
        new FakeSliceProgress()
            .event(0, T0)
            .event(2, T0.plusSeconds(7))
            .offset(SERVING, 0, T0)
            .offset(BUILDING, 0, T0)
            .offset(SERVING, 2, T0.plusSeconds(7))
            .offset(BUILDING, 2, T0.plusSeconds(7));
    assertTrue(caughtUp(progress, 4));
    assertEquals(List.of(1, 3), progress.journalAsked(), "only the empty slices are checked");
  }

  @Test
  void shouldNotSwitchWhenEveryOffsetIsMissingButTheJournalHasEvents() throws Exception {
    // the old check read no offsets at all and called that caught up
    FakeSliceProgress progress = new FakeSliceProgress().event(3, T0);
    assertFalse(caughtUp(progress, 4));
  }

  @Test
  void shouldSwitchAnEmptyJournalAtOnce() throws Exception {
    assertTrue(caughtUp(new FakeSliceProgress(), 4));
  }

  @Test
  void shouldNotSwitchWhileOneSliceIsBehindAndNotAskTheJournal() throws Exception {
    FakeSliceProgress progress =
        new FakeSliceProgress()
            .offset(SERVING, 0, T0.plusSeconds(60))
            .offset(BUILDING, 0, T0.plusSeconds(59));
    assertFalse(caughtUp(progress, 3));
    assertEquals(List.of(), progress.journalAsked());
  }

  @Test
  void shouldTakeASliceTheJournalCouldNotShowEmptyAsHavingEvents() throws Exception {
    assertFalse(caughtUp(new FakeSliceProgress().slow(1), 2));
  }

  @Test
  void shouldAskTheJournalAboutASliceWithEventsOnlyOnce() throws Exception {
    FakeSliceProgress progress = new FakeSliceProgress().event(1, T0);
    CatchUp catchUp = new CatchUp(progress, 2);
    assertFalse(catchUp.caughtUp(BUILDING, SERVING).toCompletableFuture().get());
    assertFalse(catchUp.caughtUp(BUILDING, SERVING).toCompletableFuture().get());
    assertEquals(List.of(0, 1), progress.journalAsked());
  }
}
