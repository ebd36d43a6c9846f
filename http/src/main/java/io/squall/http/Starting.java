package io.squall.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Parts of the node that start asynchronously: until they are ready, their routes answer 503. */
final class Starting {
  private Starting() {}

  static <T> Route whenReady(CompletionStage<T> part, String what, Function<T, Route> route) {
    CompletableFuture<T> future = part.toCompletableFuture();
    if (!future.isDone()) {
      return JsonSupport.error(
          StatusCodes.SERVICE_UNAVAILABLE, "unavailable", what + " is still starting; try again");
    }
    if (future.isCompletedExceptionally()) {
      return JsonSupport.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "unavailable",
          what + " could not start; see the node's log");
    }
    return route.apply(future.join());
  }
}
