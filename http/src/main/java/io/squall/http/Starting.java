package io.squall.http;

import static akka.http.javadsl.server.Directives.onComplete;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Parts of the node that start asynchronously: until they are ready, their routes answer 503. */
final class Starting {
  private Starting() {}

  static <T> Route whenReady(CompletionStage<T> part, String what, Function<T, Route> route) {
    CompletableFuture<T> future = part.toCompletableFuture();
    if (!future.isDone()) {
      return stillStarting(what);
    }
    if (future.isCompletedExceptionally()) {
      return couldNotStart(what);
    }
    return route.apply(future.join());
  }

  /**
   * Like {@link #whenReady}, but a request that comes while {@code part} is starting waits for it
   * up to {@code patience} before it is answered 503: a node that takes a second to start costs a
   * writer that second, not a retry.
   */
  static <T> Route waitingFor(
      CompletionStage<T> part, Duration patience, String what, Function<T, Route> route) {
    CompletableFuture<T> future = part.toCompletableFuture();
    if (future.isDone()) {
      return whenReady(future, what, route);
    }
    return onComplete(
        settled(future, System.nanoTime() + patience.toNanos()),
        settled -> whenReady(future, what, route));
  }

  /**
   * Completes once {@code future} is done or the deadline passed, whichever comes first. It looks
   * every 100 ms rather than hanging a dependent on {@code future}: a part that stays starting (its
   * server down) would otherwise collect one per request until it starts.
   */
  private static CompletionStage<Void> settled(CompletableFuture<?> future, long deadline) {
    if (future.isDone() || System.nanoTime() >= deadline) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> {}, POLL).thenCompose(x -> settled(future, deadline));
  }

  private static final Executor POLL =
      CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);

  private static Route stillStarting(String what) {
    return JsonSupport.error(
        StatusCodes.SERVICE_UNAVAILABLE, "unavailable", what + " is still starting; try again");
  }

  private static Route couldNotStart(String what) {
    return JsonSupport.error(
        StatusCodes.SERVICE_UNAVAILABLE,
        "unavailable",
        what + " could not start; see the node's log");
  }
}
