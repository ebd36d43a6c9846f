package io.squall.projections;

import akka.actor.typed.ActorSystem;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version cycle each node runs: read the versions, start what serves or is being built, switch
 * reads to a rebuilt version once it has {@link CatchUp caught up}, and drop the tables of the
 * version it replaced. A rebuild starts here too.
 */
final class VersionCycle {
  private static final Logger log = LoggerFactory.getLogger(VersionCycle.class);

  private final ActorSystem<?> system;
  private final ProjectionSettings settings;
  private final ProjectionVersions versions;
  private final AggregatesRepository repository;
  private final CatchUp catchUp;
  private final Consumer<ProjectionVersions.State> ensureStarted;
  private final AtomicBoolean cycling = new AtomicBoolean();

  VersionCycle(
      ActorSystem<?> system,
      ProjectionSettings settings,
      ProjectionVersions versions,
      AggregatesRepository repository,
      CatchUp catchUp,
      Consumer<ProjectionVersions.State> ensureStarted) {
    this.system = system;
    this.settings = settings;
    this.versions = versions;
    this.repository = repository;
    this.catchUp = catchUp;
    this.ensureStarted = ensureStarted;
  }

  /** One turn; a turn still running when the next is due lets it pass. */
  void run() {
    if (!cycling.compareAndSet(false, true)) {
      return;
    }
    versions
        .refresh()
        .thenCompose(
            state -> {
              ensureStarted.accept(state);
              OptionalInt building = state.building();
              if (building.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              int old = state.current();
              int next = building.getAsInt();
              return catchUp
                  .caughtUp(next, old)
                  .thenCompose(
                      caughtUp ->
                          caughtUp ? switchTo(next, old) : CompletableFuture.completedFuture(null));
            })
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                log.warn("Checking the aggregates versions failed: {}", failure.toString());
              }
              cycling.set(false);
            });
  }

  /** Starts building version current+1 from the start of the journal; answers its number. */
  CompletionStage<Integer> rebuild() {
    return versions
        .startRebuild()
        .thenCompose(next -> repository.createTables(next).thenApply(d -> next))
        .thenApply(
            next -> {
              log.info("Rebuilding aggregates as version {} from the start of the journal", next);
              ensureStarted.accept(versions.state());
              return next;
            });
  }

  private CompletionStage<Void> switchTo(int next, int old) {
    return versions
        .switchTo(next)
        .thenAccept(
            switched -> {
              if (switched) {
                log.info(
                    "Aggregates version {} caught up: reads switched from version {}", next, old);
                system
                    .scheduler()
                    .scheduleOnce(
                        settings.dropRetiredAfter(), () -> drop(old), system.executionContext());
              }
            });
  }

  private void drop(int old) {
    repository
        .dropTables(old)
        .whenComplete(
            (d, failure) ->
                log.info(
                    "Dropped the tables of aggregates version {}{}",
                    old,
                    failure == null ? "" : " (failed: " + failure + ")"));
  }
}
