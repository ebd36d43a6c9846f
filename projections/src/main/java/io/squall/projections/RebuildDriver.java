package io.squall.projections;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.pattern.Patterns;
import akka.stream.javadsl.Sink;
import io.squall.persistence.Device;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a rebuild, once in the cluster (a cluster singleton): asks every known device to replay
 * its journal into the version being built, skipping those already done, until a pass finds none
 * left; then switches reads to it atomically and drops the version it replaced. A driver whose node
 * dies starts again on another node and resumes from the devices done.
 */
final class RebuildDriver {
  private static final Logger log = LoggerFactory.getLogger(RebuildDriver.class);

  sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Finished(Throwable failure) implements Command {}

  private RebuildDriver() {}

  static Behavior<Command> create(AggregatesProjection projection) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(
                      Tick.INSTANCE, projection.settings().versionCheckInterval());
                  boolean[] running = {false};
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            if (!running[0]) {
                              running[0] = true;
                              context.pipeToSelf(
                                  turn(context.getSystem(), projection),
                                  (done, failure) -> new Finished(failure));
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Finished.class,
                          finished -> {
                            running[0] = false;
                            if (finished.failure() != null) {
                              log.warn(
                                  "Rebuilding the aggregates stopped, to resume shortly: {}",
                                  finished.failure().toString());
                            }
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  /** One turn: if a version is being built, rebuild and switch to it. */
  private static CompletionStage<Done> turn(
      ActorSystem<?> system, AggregatesProjection projection) {
    return projection
        .versions()
        .refresh()
        .thenCompose(
            state -> {
              if (state.building().isEmpty()) {
                return CompletableFuture.completedFuture(Done.getInstance());
              }
              int version = state.building().getAsInt();
              return rebuild(system, projection, version, state)
                  .thenCompose(d -> switchTo(system, projection, version, state.current()));
            });
  }

  private static CompletionStage<Done> rebuild(
      ActorSystem<?> system,
      AggregatesProjection projection,
      int version,
      ProjectionVersions.State state) {
    RebuildProgress progress = projection.rebuildProgress();
    Duration settle = projection.settings().versionCheckInterval().multipliedBy(2);
    log.info(
        "Rebuilding the aggregates: version {} from the journals of the known devices, while"
            + " version {} serves",
        version,
        state.current());
    return progress
        .start(version, Instant.now())
        .thenCompose(
            d ->
                state.legacy()
                    ? projection.registerJournalDevices()
                    : CompletableFuture.completedFuture(Done.getInstance()))
        // every node reads the versions again within an interval: after two, a device that starts
        // writes to the version being built, and a new device marks itself rebuilt there
        .thenCompose(
            d ->
                Patterns.after(
                    settle,
                    system.classicSystem().scheduler(),
                    system.executionContext(),
                    () -> CompletableFuture.completedFuture(Done.getInstance())))
        .thenCompose(d -> passes(system, projection, version));
  }

  /** Passes over the known devices until one finds every device rebuilt. */
  private static CompletionStage<Done> passes(
      ActorSystem<?> system, AggregatesProjection projection, int version) {
    return pass(system, projection, version)
        .thenCompose(
            asked ->
                asked == 0
                    ? CompletableFuture.completedFuture(Done.getInstance())
                    : passes(system, projection, version));
  }

  /** One pass; answers how many devices had to be asked. */
  private static CompletionStage<Long> pass(
      ActorSystem<?> system, AggregatesProjection projection, int version) {
    AtomicLong done = new AtomicLong();
    AtomicLong asked = new AtomicLong();
    AtomicLong events = new AtomicLong();
    // counted first, so that the progress reads "done of all" from the start of the pass
    return projection
        .repository()
        .devices()
        .runWith(Sink.fold(0L, (count, device) -> count + 1), system)
        .thenCompose(total -> walk(system, projection, version, total, done, asked, events));
  }

  private static CompletionStage<Long> walk(
      ActorSystem<?> system,
      AggregatesProjection projection,
      int version,
      long total,
      AtomicLong done,
      AtomicLong asked,
      AtomicLong events) {
    AggregatesRepository repository = projection.repository();
    ProjectionSettings settings = projection.settings();
    AtomicLong recordedAt = new AtomicLong(System.nanoTime());
    return repository
        .devices()
        .mapAsyncUnordered(
            settings.rebuildParallelism(),
            deviceId ->
                repository
                    .rebuilt(version, deviceId)
                    .thenCompose(
                        rebuilt -> {
                          if (rebuilt.isPresent()) {
                            return CompletableFuture.completedFuture(rebuilt.get());
                          }
                          asked.incrementAndGet();
                          return ClusterSharding.get(system)
                              .entityRefFor(Device.ENTITY_KEY, deviceId)
                              .<Long>askWithStatus(
                                  replyTo -> new Device.Rebuild(version, replyTo),
                                  settings.rebuildDeviceTimeout());
                        })
                    .thenCompose(
                        replayed -> {
                          events.addAndGet(replayed);
                          long devicesDone = done.incrementAndGet();
                          long now = System.nanoTime();
                          long last = recordedAt.get();
                          // at most four progress writes a second, whatever the number of devices
                          return now - last > 250_000_000L && recordedAt.compareAndSet(last, now)
                              ? projection
                                  .rebuildProgress()
                                  .record(
                                      version,
                                      Math.max(total, done.get()),
                                      devicesDone,
                                      events.get())
                              : CompletableFuture.completedFuture(Done.getInstance());
                        }))
        .runWith(Sink.ignore(), system)
        .thenCompose(
            d ->
                projection
                    .rebuildProgress()
                    .record(version, Math.max(total, done.get()), done.get(), events.get()))
        .thenApply(
            d -> {
              log.info(
                  "Aggregates version {}: {} of {} known devices rebuilt in this pass",
                  version,
                  asked.get(),
                  Math.max(total, done.get()));
              return asked.get();
            });
  }

  private static CompletionStage<Done> switchTo(
      ActorSystem<?> system, AggregatesProjection projection, int version, int old) {
    return projection
        .versions()
        .switchTo(version)
        .thenApply(
            switched -> {
              if (switched) {
                log.info(
                    "Aggregates version {} is complete: reads switched from version {}",
                    version,
                    old);
                system
                    .scheduler()
                    .scheduleOnce(
                        projection.settings().dropRetiredAfter(),
                        () -> projection.drop(old),
                        system.executionContext());
              }
              return Done.getInstance();
            });
  }
}
