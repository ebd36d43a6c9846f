package io.squall.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.pattern.AskTimeoutException;
import akka.pattern.CircuitBreakerOpenException;
import com.datastax.oss.driver.api.core.DriverException;
import io.squall.projections.RebuildInProgressException;
import io.squall.sharding.KafkaUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what went wrong behind a request to the answer a client gets: a dependency that is down or
 * too slow is 503, a conflicting request 409; the cause is unwrapped first, so a timeout inside a
 * CompletionException is still a timeout.
 */
public final class ApiFailures {
  private static final Logger log = LoggerFactory.getLogger(ApiFailures.class);

  private ApiFailures() {}

  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The error answer for {@code failure} of a call to {@code dependency} (e.g. "Cassandra"). */
  public static Route toRoute(Throwable failure, String dependency) {
    Throwable cause = unwrap(failure);
    if (cause instanceof RebuildInProgressException) {
      return JsonSupport.error(StatusCodes.CONFLICT, "conflict", cause.getMessage());
    }
    if (cause instanceof AskTimeoutException || cause instanceof TimeoutException) {
      return JsonSupport.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "unavailable",
          dependency + " did not answer in time; try again");
    }
    if (cause instanceof KafkaUnavailableException) {
      return JsonSupport.error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", cause.getMessage());
    }
    if (cause instanceof DriverException
        || cause instanceof CircuitBreakerOpenException
        || cause instanceof KafkaException) {
      return JsonSupport.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "unavailable",
          dependency + " is unavailable (" + cause.getClass().getSimpleName() + "); try again");
    }
    log.error("Squall could not answer a request", cause);
    return JsonSupport.error(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "internal error",
        "Squall could not answer this request; the node's log has the cause");
  }
}
