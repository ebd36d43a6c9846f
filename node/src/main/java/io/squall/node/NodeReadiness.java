package io.squall.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.javadsl.Adapter;
import io.micrometer.core.instrument.Gauge;
import io.squall.http.Health;
import io.squall.persistence.NodeMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Akka Management's readiness check of a Squall node, beside Akka's own cluster-membership check
 * ({@code /ready}; {@code /alive} stays liveness only). Ready once the device shards and this
 * node's consumer run, the aggregates projection runs, and Kafka and Cassandra answer. A node that
 * is not ready fails the check with what it waits for, so {@code /ready} answers 503 naming it.
 */
public final class NodeReadiness implements Supplier<CompletionStage<Boolean>> {
  private static final Duration EXPORT_EVERY = Duration.ofSeconds(5);
  private final Parts parts;

  /** Akka Management builds the check with the node's actor system. */
  public NodeReadiness(akka.actor.ActorSystem system) {
    this.parts = Adapter.toTyped(system).registerExtension(Parts.ID);
  }

  /**
   * Tells the readiness check of {@code system} what the node started, and exports the check's
   * answer, re-evaluated every {@code EXPORT_EVERY}, as {@code squall_node_ready} (1 or 0).
   */
  static void register(ActorSystem<?> system, Main.Node node, Health health) {
    Parts parts = system.registerExtension(Parts.ID);
    parts.started.set(new Started(node, health));
    AtomicInteger ready = new AtomicInteger();
    Gauge.builder("squall.node.ready", ready, AtomicInteger::get)
        .description("1 while this node passes its readiness check (GET /ready), else 0")
        .register(NodeMetrics.get(system).registry());
    export(system, parts, ready);
  }

  /** Checks, sets the gauge, and checks again {@code EXPORT_EVERY} after the answer came. */
  private static void export(ActorSystem<?> system, Parts parts, AtomicInteger ready) {
    CompletionStage<Boolean> check;
    try {
      check = check(parts);
    } catch (RuntimeException e) {
      check = CompletableFuture.failedFuture(e);
    }
    check.whenComplete(
        (ok, failure) -> {
          ready.set(failure == null && ok ? 1 : 0);
          if (!system.getWhenTerminated().toCompletableFuture().isDone()) {
            try {
              system
                  .scheduler()
                  .scheduleOnce(
                      EXPORT_EVERY, () -> export(system, parts, ready), system.executionContext());
            } catch (IllegalStateException terminating) {
              // the scheduler stops with the actor system: nothing left to export
            }
          }
        });
  }

  @Override
  public CompletionStage<Boolean> get() {
    return check(parts);
  }

  private static CompletionStage<Boolean> check(Parts parts) {
    Started started = parts.started.get();
    if (started == null) {
      return notReady("the node is still starting");
    }
    // what the node waits for, and why: a part still starting often waits for a refusing server
    String waiting = waitingFor(started.node());
    return started
        .health()
        .check()
        .thenApply(
            report -> {
              Stream<String> down =
                  report.down().stream().map(c -> c.name() + " is down: " + c.detail());
              String reasons =
                  Stream.concat(Stream.ofNullable(waiting), down).collect(Collectors.joining("; "));
              if (!reasons.isEmpty()) {
                throw new NotReadyException(reasons);
              }
              return true;
            });
  }

  /** What of the node's own parts is not running yet, or null when all are. */
  private static String waitingFor(Main.Node node) {
    CompletableFuture<?> ingestion = node.ingestion().toCompletableFuture();
    if (!ingestion.isDone()) {
      return "the device shards are still starting";
    }
    if (ingestion.isCompletedExceptionally()) {
      return "the device shards could not start";
    }
    boolean consumerStopped =
        node.ingestion().toCompletableFuture().join().stream()
            .anyMatch(consumer -> consumer.done().toCompletableFuture().isDone());
    if (consumerStopped) {
      return "the readings consumer has stopped";
    }
    CompletableFuture<?> aggregates = node.aggregates().toCompletableFuture();
    if (!aggregates.isDone()) {
      return "the aggregates projection is still starting";
    }
    if (aggregates.isCompletedExceptionally()) {
      return "the aggregates projection could not start";
    }
    return null;
  }

  private static CompletionStage<Boolean> notReady(String reason) {
    return CompletableFuture.failedFuture(new NotReadyException(reason));
  }

  /** Why a node is not ready; Akka Management answers {@code /ready} with its message. */
  static final class NotReadyException extends RuntimeException {
    NotReadyException(String reason) {
      super("Squall is not ready: " + reason);
    }
  }

  private record Started(Main.Node node, Health health) {}

  /** What the node registered, one per actor system. */
  private static final class Parts implements Extension {
    static final ExtensionId<Parts> ID =
        new ExtensionId<>() {
          @Override
          public Parts createExtension(ActorSystem<?> system) {
            return new Parts();
          }
        };

    final AtomicReference<Started> started = new AtomicReference<>();
  }
}
