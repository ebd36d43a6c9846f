package io.squall.http;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every request ({@code http_server_requests_seconds} by method, route template and status)
 * and writes the access log ({@code squall.http.access}). Routes are the templates of {@link
 * ApiRoutes#ENDPOINTS}, so a device id never becomes a label; anything else is {@code other}.
 */
final class RequestMeters {
  private static final Logger access = LoggerFactory.getLogger("squall.http.access");

  private record Template(String method, Pattern path, String route) {}

  private record TimerKey(String method, String route, int status) {}

  private final MeterRegistry registry;
  private final List<Template> templates;

  /** Each timer once: building its id on every request costs more than the request. */
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  RequestMeters(MeterRegistry registry, List<String> endpoints) {
    this.registry = registry;
    this.templates =
        endpoints.stream()
            .map(
                endpoint -> {
                  String[] methodAndPath = endpoint.split(" ", 2);
                  String regex =
                      Pattern.quote(methodAndPath[1]).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
                  return new Template(methodAndPath[0], Pattern.compile(regex), methodAndPath[1]);
                })
            .toList();
  }

  /** {@code handler}, timed and logged. */
  Function<HttpRequest, CompletionStage<HttpResponse>> around(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
    return request -> {
      long started = System.nanoTime();
      return handler
          .apply(request)
          .whenComplete((response, failure) -> done(request, response, started));
    };
  }

  /** The template a request's path matches, or {@code other}. */
  String route(String method, String path) {
    for (Template template : templates) {
      if (template.method().equals(method) && template.path().matcher(path).matches()) {
        return template.route();
      }
    }
    return "other";
  }

  private void done(HttpRequest request, HttpResponse response, long startedNanos) {
    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    String method = request.method().value();
    int status = response == null ? 500 : response.status().intValue();
    String route = route(method, request.getUri().path());
    timers
        .computeIfAbsent(
            new TimerKey(method, route, status),
            key ->
                Timer.builder("http.server.requests")
                    .description("HTTP requests served, by route template and status")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(took);
    if (access.isInfoEnabled()) {
      access.info(
          "{} {} {} {} ms",
          method,
          request.getUri().toRelative(),
          status,
          String.format("%.1f", took.toNanos() / 1e6));
    }
  }
}
