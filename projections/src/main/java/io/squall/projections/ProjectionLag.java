package io.squall.projections;

import io.squall.persistence.DeviceSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How far each slice of a version has come: its offset's time, how long ago that is, and how many
 * events it still has to fold — counted up to a limit, so that a slice days behind costs one
 * bounded query, and flagged {@code lagEventsCapped} ("at least") when the limit was reached.
 */
public final class ProjectionLag {
  private final SliceProgress progress;
  private final int slices;
  private final int countLimit;
  private final Clock clock;

  /**
   * One slice's progress: when the event at its offset was written, how many seconds ago that is,
   * and the events after it; {@code lagEventsCapped} means "at least {@code lagEvents}".
   */
  public record SliceLag(
      String slice,
      Instant offsetTime,
      double lagSeconds,
      long lagEvents,
      boolean lagEventsCapped) {}

  /** A version's progress over its slices (slices without an offset yet are not listed). */
  public record VersionStatus(int version, String role, List<SliceLag> slices) {}

  public ProjectionLag(SliceProgress progress, int slices, int countLimit, Clock clock) {
    this.progress = progress;
    this.slices = slices;
    this.countLimit = countLimit;
    this.clock = clock;
  }

  /** The progress of every started slice of {@code version}, which plays {@code role}. */
  public CompletionStage<VersionStatus> status(int version, String role) {
    Instant now = clock.instant();
    List<CompletableFuture<Optional<SliceLag>>> lags = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      int s = slice;
      lags.add(
          progress
              .offset(version, slice)
              .thenCompose(
                  offset ->
                      offset.isEmpty()
                          ? CompletableFuture.completedFuture(Optional.<SliceLag>empty())
                          : lag(s, offset.get(), now).thenApply(Optional::of))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(lags.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                new VersionStatus(
                    version,
                    role,
                    lags.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList()));
  }

  private CompletionStage<SliceLag> lag(int slice, UUID offset, Instant now) {
    Instant at = timeOf(offset);
    double seconds = Math.max(0, Duration.between(at, now).toMillis() / 1000.0);
    return progress
        .eventsAfter(slice, Optional.of(offset), countLimit)
        .thenApply(
            count ->
                new SliceLag(
                    DeviceSettings.tag(slice), at, seconds, count.events(), count.capped()));
  }

  /** The wall-clock time of a time-based (version 1) UUID. */
  static Instant timeOf(UUID uuid) {
    long hundredNanosSince1582 = uuid.timestamp();
    long millis = hundredNanosSince1582 / 10_000 - 12_219_292_800_000L;
    return Instant.ofEpochMilli(millis);
  }
}
