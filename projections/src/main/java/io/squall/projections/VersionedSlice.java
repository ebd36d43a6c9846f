package io.squall.projections;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import akka.projection.Projection;
import akka.projection.ProjectionBehavior;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One slice's projection under a parent that stops it for good once its version retires: the daemon
 * process would restart a projection that simply stopped, so the parent stays as an idle
 * placeholder instead.
 */
final class VersionedSlice {
  private static final Object CHECK = "check-version";

  private VersionedSlice() {}

  static Behavior<ProjectionBehavior.Command> create(
      ProjectionVersions versions,
      int version,
      Duration checkInterval,
      Supplier<Projection<?>> projection) {
    Behavior<Object> parent =
        Behaviors.setup(
            context -> {
              if (versions.state().retired(version)) {
                return Behaviors.ignore();
              }
              ActorRef<ProjectionBehavior.Command> running =
                  context.spawn(ProjectionBehavior.create(projection.get()), "projection");
              context.watch(running);
              return Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay(CHECK, checkInterval);
                    return running(versions, running, version);
                  });
            });
    return parent.narrow();
  }

  /** Forwards the daemon process' messages; stops the projection when its version retires. */
  private static Behavior<Object> running(
      ProjectionVersions versions, ActorRef<ProjectionBehavior.Command> projection, int version) {
    return Behaviors.receive(Object.class)
        .onMessageEquals(
            CHECK,
            () -> {
              if (versions.state().retired(version)) {
                projection.tell(ProjectionBehavior.stopMessage());
                return Behaviors.receive(Object.class)
                    .onMessage(ProjectionBehavior.Command.class, command -> Behaviors.stopped())
                    .onSignal(Terminated.class, stopped -> Behaviors.same())
                    .build();
              }
              return Behaviors.same();
            })
        .onMessage(
            ProjectionBehavior.Command.class,
            command -> {
              // the daemon process stops its instances this way (hand-off, shutdown)
              projection.tell(command);
              return Behaviors.receive(Object.class)
                  .onSignal(Terminated.class, stopped -> Behaviors.stopped())
                  .build();
            })
        .onSignal(Terminated.class, stopped -> Behaviors.stopped())
        .build();
  }
}
