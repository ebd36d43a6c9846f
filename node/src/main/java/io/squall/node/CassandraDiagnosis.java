package io.squall.node;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.squall.persistence.CassandraSecurity;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why the node's Cassandra sessions do not connect, when they cannot say: Cassandra refusing
 * Squall's credentials or certificate ({@link CassandraSecurity#diagnose}). Health asks it when
 * Cassandra times out; while the node waits for Cassandra to start a part, it logs the reason. At
 * most one throwaway session runs at a time, and at most one per {@code EVERY} for health.
 */
final class CassandraDiagnosis {
  private static final Logger log = LoggerFactory.getLogger(CassandraDiagnosis.class);
  private static final Duration EVERY = Duration.ofSeconds(10);
  private static final Duration FIRST_LOG = Duration.ofSeconds(10);
  private static final Duration LOG_EVERY = Duration.ofSeconds(30);

  private final Config config;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long lastStartedNanos = System.nanoTime() - EVERY.toNanos();
  private volatile Optional<String> known = Optional.empty();

  CassandraDiagnosis(Config config) {
    this.config = config;
  }

  /**
   * The last finished diagnosis's explanation, if it found a refusal; starts a new one in the
   * background when none runs and the last is older than {@code EVERY}.
   */
  Optional<String> latest() {
    if (System.nanoTime() - lastStartedNanos >= EVERY.toNanos()
        && running.compareAndSet(false, true)) {
      lastStartedNanos = System.nanoTime();
      diagnose()
          .whenComplete(
              (explanation, failure) -> {
                known = failure == null ? explanation : Optional.empty();
                running.set(false);
              });
    }
    return known;
  }

  /**
   * Logs why Cassandra refuses the node until {@code started} completes, every {@code LOG_EVERY}.
   */
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
              logUntil(system, started, what, LOG_EVERY);
            },
            system.executionContext());
  }

  private CompletionStage<Optional<String>> diagnose() {
    return CassandraSecurity.diagnose(config)
        .toCompletableFuture()
        .orTimeout(30, TimeUnit.SECONDS)
        .exceptionally(failure -> Optional.empty());
  }
}
