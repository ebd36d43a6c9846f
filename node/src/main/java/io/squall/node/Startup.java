package io.squall.node;

import akka.actor.typed.ActorSystem;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a part of the node that needs Kafka or Cassandra, trying again every few seconds while
 * they cannot be reached: the node stays up and says what it waits for (health answers 503).
 */
final class Startup {
  private static final Logger log = LoggerFactory.getLogger(Startup.class);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private Startup() {}

  /**
   * Starts {@code what}, logging each failed attempt with what {@code explain} makes of its cause
   * (a refusal of Squall's credentials or certificate), else the cause's own message.
   */
  static <T> CompletionStage<T> retrying(
      ActorSystem<?> system,
      String what,
      Function<Throwable, Optional<String>> explain,
      Supplier<CompletionStage<T>> start) {
    CompletableFuture<T> started = new CompletableFuture<>();
    attempt(system, what, explain, start, started, 1);
    return started;
  }

  private static <T> void attempt(
      ActorSystem<?> system,
      String what,
      Function<Throwable, Optional<String>> explain,
      Supplier<CompletionStage<T>> start,
      CompletableFuture<T> started,
      int attempt) {
    start
        .get()
        .whenComplete(
            (part, failure) -> {
              if (failure == null) {
                started.complete(part);
                return;
              }
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              log.warn(
                  "Squall could not start {} (attempt {}): {}; trying again in {} s",
                  what,
                  attempt,
                  explain.apply(cause).orElse(cause.getMessage()),
                  RETRY.toSeconds());
              system
                  .scheduler()
                  .scheduleOnce(
                      RETRY,
                      () -> attempt(system, what, explain, start, started, attempt + 1),
                      system.executionContext());
            });
  }
}
