package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectionLagTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private static List<ProjectionLag.SliceLag> lags(FakeSliceProgress progress, int limit)
      throws Exception {
    return new ProjectionLag(progress, 4, limit, CLOCK)
        .status(1, "serving")
        .toCompletableFuture()
        .get()
        .slices();
  }

  @Test
  void shouldReportACaughtUpSliceWithNothingLeftToFold() throws Exception {
    Instant last = NOW.minusSeconds(30);
    FakeSliceProgress progress = new FakeSliceProgress().event(2, last).offset(1, 2, last);
    assertEquals(
        List.of(new ProjectionLag.SliceLag("slice-2", last, 30.0, 0, false)), lags(progress, 100));
  }

  @Test
  void shouldCountTheEventsAfterTheOffsetAndItsAge() throws Exception {
    Instant offset = NOW.minusSeconds(3600);
    FakeSliceProgress progress = new FakeSliceProgress().offset(1, 0, offset);
    for (int i = 0; i <= 5; i++) {
      progress.event(0, offset.plusSeconds(i * 60L));
    }
    assertEquals(
        List.of(new ProjectionLag.SliceLag("slice-0", offset, 3600.0, 5, false)),
        lags(progress, 100));
  }

  @Test
  void shouldReportAtLeastTheLimitForASliceDaysBehind() throws Exception {
    Instant offset = NOW.minusSeconds(3 * 86_400);
    FakeSliceProgress progress = new FakeSliceProgress().offset(1, 1, offset).event(1, offset);
    for (int minute = 1; minute <= 3 * 24 * 60; minute++) {
      progress.event(1, offset.plusSeconds(minute * 60L));
    }
    ProjectionLag.SliceLag lag = lags(progress, 1000).get(0);
    assertEquals(1000, lag.lagEvents());
    assertEquals(true, lag.lagEventsCapped());
    assertEquals(3 * 86_400.0, lag.lagSeconds());
  }

  @Test
  void shouldListOnlySlicesThatHaveAnOffsetInSliceOrder() throws Exception {
    FakeSliceProgress progress =
        new FakeSliceProgress()
            .offset(1, 3, NOW.minusSeconds(1))
            .offset(1, 1, NOW.minusSeconds(2))
            .offset(2, 0, NOW);
    assertEquals(
        List.of("slice-1", "slice-3"),
        lags(progress, 10).stream().map(ProjectionLag.SliceLag::slice).toList());
  }
}
