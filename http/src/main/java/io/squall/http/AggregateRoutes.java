package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.parameterMap;
import static akka.http.javadsl.server.Directives.path;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import io.squall.persistence.Device;
import io.squall.projections.Aggregate;
import io.squall.projections.AggregateRow;
import io.squall.projections.Aggregates;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/devices/{id}/daily|monthly|top}: figures from the aggregate tables of the
 * serving version; parameters are checked first and a wrong one is a 400 that names it.
 */
public final class AggregateRoutes {
  private final ActorSystem<?> system;
  private final CompletionStage<Aggregates> ready;
  private final HttpSettings settings;

  public AggregateRoutes(
      ActorSystem<?> system, CompletionStage<Aggregates> aggregates, HttpSettings settings) {
    this.system = system;
    this.ready = aggregates;
    this.settings = settings;
  }

  /** One day's figures. */
  public record Daily(
      LocalDate date, long count, double min, double max, double sum, double mean, double stdev) {}

  /** One month's figures, over every reading of the month. */
  public record Monthly(
      String month, long count, double min, double max, double sum, double mean, double stdev) {}

  /** Routes under {@code /api/v1/devices/{id}}. */
  public Route routes(String deviceId) {
    return concat(
        path(
            "daily",
            () -> get(() -> parameterMap(params -> whenReady(a -> daily(a, deviceId, params))))),
        path(
            "monthly",
            () -> get(() -> parameterMap(params -> whenReady(a -> monthly(a, deviceId, params))))),
        path(
            "top",
            () -> get(() -> parameterMap(params -> whenReady(a -> top(a, deviceId, params))))));
  }

  private Route whenReady(java.util.function.Function<Aggregates, Route> route) {
    return Starting.whenReady(ready, "the aggregates projection", route);
  }

  private Route daily(Aggregates aggregates, String deviceId, Map<String, String> params) {
    return validated(
        () -> {
          String metric = metric(params);
          LocalDate from = date(params, "from");
          LocalDate to = date(params, "to");
          if (from.isAfter(to)) {
            throw new BadParameterException("from", "'" + from + "' is after to '" + to + "'");
          }
          long days = ChronoUnit.DAYS.between(from, to) + 1;
          if (days > settings.maxRangeDays()) {
            throw new BadParameterException(
                "to",
                "the range is "
                    + days
                    + " days; at most "
                    + settings.maxRangeDays()
                    + " per request");
          }
          return answer(
              deviceId,
              aggregates.daily(deviceId, metric, from, to),
              rows -> rows.stream().map(AggregateRoutes::daily).toList());
        });
  }

  private Route monthly(Aggregates aggregates, String deviceId, Map<String, String> params) {
    return validated(
        () -> {
          String metric = metric(params);
          int year = year(params);
          return answer(
              deviceId,
              aggregates.monthly(deviceId, metric, year),
              rows -> rows.stream().map(AggregateRoutes::monthly).toList());
        });
  }

  private Route top(Aggregates aggregates, String deviceId, Map<String, String> params) {
    return validated(
        () -> {
          String metric = metric(params);
          int year = year(params);
          int k = integer(params, "k", 1, 366);
          String by = params.getOrDefault("by", "sum");
          Aggregates.Figure figure = Aggregates.Figure.named(by);
          if (figure == null) {
            throw new BadParameterException("by", "'" + by + "' is not one of sum, max, min, mean");
          }
          return answer(
              deviceId, aggregates.top(deviceId, metric, year, k, figure), ranked -> ranked);
        });
  }

  /** The rows as JSON; an empty answer is a 404 when the device never recorded a reading. */
  private <T, R> Route answer(
      String deviceId,
      CompletionStage<List<T>> rows,
      java.util.function.Function<List<T>, R> body) {
    CompletionStage<Object> result =
        rows.thenCompose(
            found -> {
              if (!found.isEmpty()) {
                return java.util.concurrent.CompletableFuture.completedFuture(
                    (Object) body.apply(found));
              }
              return ClusterSharding.get(system)
                  .entityRefFor(Device.ENTITY_KEY, deviceId)
                  .askWithStatus(Device.GetState::new, settings.askTimeout())
                  .thenApply(summary -> summary.readings() == 0 ? null : (Object) List.of());
            });
    return onComplete(
        result,
        outcome -> {
          if (outcome.isFailure()) {
            return ApiFailures.toRoute(outcome.failed().get(), "Cassandra");
          }
          if (outcome.get() == null) {
            return JsonSupport.error(
                StatusCodes.NOT_FOUND,
                "not found",
                "device " + deviceId + " never recorded a reading");
          }
          return complete(StatusCodes.OK, outcome.get(), JsonSupport.marshaller());
        });
  }

  private static Route validated(Supplier<Route> route) {
    try {
      return route.get();
    } catch (BadParameterException e) {
      return JsonSupport.error(StatusCodes.BAD_REQUEST, "bad parameter", e.getMessage());
    }
  }

  private String metric(Map<String, String> params) {
    String metric = required(params, "metric");
    if (!settings.metrics().contains(metric)) {
      throw new BadParameterException(
          "metric",
          "unknown metric '"
              + metric
              + "'; known: "
              + String.join(", ", new java.util.TreeSet<>(settings.metrics())));
    }
    return metric;
  }

  private static String required(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      throw new BadParameterException(name, "is required");
    }
    return value.strip();
  }

  private static LocalDate date(Map<String, String> params, String name) {
    String value = required(params, name);
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadParameterException(name, "'" + value + "' is not a date (YYYY-MM-DD)");
    }
  }

  private static int year(Map<String, String> params) {
    return integer(params, "year", 1, 9999);
  }

  private static int integer(Map<String, String> params, String name, int min, int max) {
    String value = required(params, name);
    try {
      int number = Integer.parseInt(value);
      if (number < min || number > max) {
        throw new BadParameterException(name, number + " is outside " + min + ".." + max);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new BadParameterException(name, "'" + value + "' is not a whole number");
    }
  }

  static Daily daily(AggregateRow row) {
    Aggregate a = row.aggregate();
    return new Daily(
        ((AggregateRow.Day) row.key()).date(),
        a.count(),
        a.min(),
        a.max(),
        Aggregates.rounded(a.sum()),
        Aggregates.rounded(a.mean()),
        Aggregates.rounded(a.stdev()));
  }

  static Monthly monthly(AggregateRow row) {
    Aggregate a = row.aggregate();
    return new Monthly(
        ((AggregateRow.Month) row.key()).month().toString(),
        a.count(),
        a.min(),
        a.max(),
        Aggregates.rounded(a.sum()),
        Aggregates.rounded(a.mean()),
        Aggregates.rounded(a.stdev()));
  }
}
