package io.squall.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Query;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.squall.persistence.Device;
import io.squall.persistence.LiveStates;
import io.squall.projections.Aggregates;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The API's device reads without the routing DSL, which costs more per request than the answer when
 * the answer is in memory: a well-formed {@code GET /api/v1/devices/{id}[/daily|monthly|top]} whose
 * live state this node publishes, or whose figures the aggregates find. Anything else — a parameter
 * to refuse, a device with no rows, a failure, a token to check — goes to the routes, which answer
 * it as before; both write the same bytes.
 */
public final class DeviceReads {
  private static final String PREFIX = "/api/v1/devices/";
  private static final ObjectWriter JSON = JsonSupport.MAPPER.writer();

  private final LiveStates liveStates;
  private final HttpSettings settings;
  private final CompletableFuture<?> devices;
  private final CompletableFuture<Aggregates> aggregates;

  public DeviceReads(
      ActorSystem<?> system,
      HttpSettings settings,
      CompletionStage<?> devices,
      CompletionStage<Aggregates> aggregates) {
    this.liveStates = LiveStates.get(system);
    this.settings = settings;
    this.devices = devices.toCompletableFuture();
    this.aggregates = aggregates.toCompletableFuture();
  }

  /** {@code routes}, after these reads for the requests they answer. */
  public akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> around(
      akka.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> routes) {
    return request -> {
      CompletionStage<Optional<HttpResponse>> answer = answer(request);
      if (answer == null) {
        return routes.apply(request);
      }
      return answer.thenCompose(
          response -> {
            if (response.isPresent()) {
              return CompletableFuture.completedFuture(response.get());
            }
            try {
              return routes.apply(request);
            } catch (Exception e) {
              return CompletableFuture.failedFuture(e);
            }
          });
    };
  }

  /**
   * The answer to {@code request}: null or empty when the routes must answer it (null before
   * anything was asked of the aggregates).
   */
  private CompletionStage<Optional<HttpResponse>> answer(HttpRequest request) {
    if (request.method() != HttpMethods.GET || !settings.auth().openReads()) {
      return null;
    }
    String path = request.getUri().path();
    if (!path.startsWith(PREFIX) || path.indexOf('%') >= 0 || !ready(devices)) {
      return null;
    }
    int slash = path.indexOf('/', PREFIX.length());
    String id = path.substring(PREFIX.length(), slash < 0 ? path.length() : slash);
    if (id.isEmpty()) {
      return null;
    }
    if (slash < 0) {
      if (liveStates.neverRecorded(id)) {
        return CompletableFuture.completedFuture(Optional.of(neverRecorded(id)));
      }
      Optional<Device.Summary> state = liveStates.of(id);
      return state.isPresent() ? CompletableFuture.completedFuture(ok(state.get())) : null;
    }
    String what = path.substring(slash + 1);
    if (!ready(aggregates)) {
      return null;
    }
    try {
      return switch (what) {
        case "daily" -> daily(aggregates.join(), id, request.getUri().query());
        case "monthly" -> monthly(aggregates.join(), id, request.getUri().query());
        case "top" -> top(aggregates.join(), id, request.getUri().query());
        default -> null;
      };
    } catch (RuntimeException refusedByTheRoutes) {
      return null;
    }
  }

  private CompletionStage<Optional<HttpResponse>> daily(
      Aggregates aggregates, String id, Query query) {
    String metric = metric(query);
    LocalDate from = LocalDate.parse(one(query, "from").strip());
    LocalDate to = LocalDate.parse(one(query, "to").strip());
    if (metric == null
        || from.isAfter(to)
        || ChronoUnit.DAYS.between(from, to) + 1 > settings.maxRangeDays()) {
      return null;
    }
    return found(
        id,
        () -> aggregates.daily(id, metric, from, to),
        rows -> rows.stream().map(AggregateRoutes::daily).toList());
  }

  private CompletionStage<Optional<HttpResponse>> monthly(
      Aggregates aggregates, String id, Query query) {
    String metric = metric(query);
    int year = number(query, "year", 9999);
    if (metric == null || year < 1) {
      return null;
    }
    return found(
        id,
        () -> aggregates.monthly(id, metric, year),
        rows -> rows.stream().map(AggregateRoutes::monthly).toList());
  }

  private CompletionStage<Optional<HttpResponse>> top(
      Aggregates aggregates, String id, Query query) {
    String metric = metric(query);
    int year = number(query, "year", 9999);
    int k = number(query, "k", 366);
    Aggregates.Figure figure =
        Aggregates.Figure.named(query.getAll("by").isEmpty() ? "sum" : one(query, "by"));
    if (metric == null || year < 1 || k < 1 || figure == null) {
      return null;
    }
    return found(id, () -> aggregates.top(id, metric, year, k, figure), ranked -> ranked);
  }

  /**
   * The rows {@code read} finds as JSON, or empty (the routes answer) when there are none — the
   * device may never have recorded a reading — or the read failed; the routes' 404 for a device
   * that told it never recorded one.
   */
  private <T> CompletionStage<Optional<HttpResponse>> found(
      String id, Supplier<CompletionStage<List<T>>> read, Function<List<T>, Object> body) {
    if (liveStates.neverRecorded(id)) {
      return CompletableFuture.completedFuture(Optional.of(neverRecorded(id)));
    }
    return read.get()
        .handle(
            (found, failure) ->
                failure != null || found.isEmpty() ? Optional.empty() : ok(body.apply(found)));
  }

  private String metric(Query query) {
    String metric = one(query, "metric").strip();
    return settings.metrics().contains(metric) ? metric : null;
  }

  /** The one value of parameter {@code name}; a missing or repeated one is left to the routes. */
  private static String one(Query query, String name) {
    List<String> values = query.getAll(name);
    if (values.size() != 1) {
      throw new IllegalArgumentException(name);
    }
    return values.get(0);
  }

  /** The whole number {@code name} if it is within 1..{@code max}, else 0. */
  private static int number(Query query, String name, int max) {
    try {
      int value = Integer.parseInt(one(query, name).strip());
      return value >= 1 && value <= max ? value : 0;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static boolean ready(CompletableFuture<?> part) {
    return part.isDone() && !part.isCompletedExceptionally();
  }

  /** The routes' 404, without asking the entity again: it said so and recorded nothing since. */
  private static HttpResponse neverRecorded(String id) {
    return response(
            new JsonSupport.ErrorBody("not found", "device " + id + " never recorded a reading"))
        .map(response -> response.withStatus(StatusCodes.NOT_FOUND))
        .orElseThrow();
  }

  private static Optional<HttpResponse> ok(Object body) {
    return response(body);
  }

  private static Optional<HttpResponse> response(Object body) {
    try {
      return Optional.of(
          HttpResponse.create()
              .withEntity(
                  HttpEntities.create(
                      ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body))));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
