package io.squall.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import com.typesafe.config.Config;
import io.squall.persistence.CassandraSecurity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why the node's Cassandra sessions do not connect, when they cannot say: Cassandra refusing
 * Squall's credentials or certificate ({@link CassandraSecurity#diagnose}). Health asks it when
 * Cassandra times out; while the node waits for Cassandra to start a part, it logs the reason. One
 * throwaway session at a time, and for health at most one per {@code EVERY}.
 */
final class CassandraDiagnosis {
  private static final Logger log = LoggerFactory.getLogger(CassandraDiagnosis.class);
  private static final Duration EVERY = Duration.ofSeconds(30);
  private static final Duration KEPT = EVERY.multipliedBy(2);
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration FIRST_LOG = Duration.ofSeconds(10);

  private final Config config;
  private final Executor blocking;
  private final AtomicReference<CompletableFuture<Optional<String>>> running =
      new AtomicReference<>();
  private volatile long lastStartedNanos = System.nanoTime() - EVERY.toNanos();
  private volatile Found last = new Found(Optional.empty(), System.nanoTime() - KEPT.toNanos());

  private record Found(Optional<String> explanation, long atNanos) {}

  CassandraDiagnosis(ActorSystem<?> system) {
    this.config = system.settings().config();
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /**
   * The explanation of the latest diagnosis, if it is recent and found a refusal; starts a new one
   * in the background when the last began {@code EVERY} ago.
   */
  Optional<String> latest() {
    if (System.nanoTime() - lastStartedNanos >= EVERY.toNanos()) {
      diagnose();
    }
    Found found = last;
    return System.nanoTime() - found.atNanos() < KEPT.toNanos()
        ? found.explanation()
        : Optional.empty();
  }

  /** Logs why Cassandra refuses the node, every {@code EVERY} until {@code started} completes. */
  void logUntil(ActorSystem<?> system, CompletionStage<?> started, String what) {
    logUntil(system, started, what, FIRST_LOG);
  }

  private void logUntil(
      ActorSystem<?> system, CompletionStage<?> started, String what, Duration delay) {
    system
        .scheduler()
        .scheduleOnce(
            delay,
            () -> {
              if (started.toCompletableFuture().isDone()) {
                return;
              }
              diagnose()
                  .thenAccept(
                      explanation ->
                          explanation.ifPresent(
                              why -> log.warn("Squall is waiting to start {}: {}", what, why)));
              logUntil(system, started, what, EVERY);
            },
            system.executionContext());
  }

  /** The diagnosis under way, or a new one. */
  private CompletionStage<Optional<String>> diagnose() {
    CompletableFuture<Optional<String>> next = new CompletableFuture<>();
    CompletableFuture<Optional<String>> current = running.compareAndExchange(null, next);
    if (current != null) {
      return current;
    }
    lastStartedNanos = System.nanoTime();
    CassandraSecurity.diagnose(config, blocking)
        .toCompletableFuture()
        .orTimeout(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(failure -> Optional.empty())
        .thenAccept(
            explanation -> {
              last = new Found(explanation, System.nanoTime());
              running.set(null);
              next.complete(explanation);
            });
    return next;
  }
}
