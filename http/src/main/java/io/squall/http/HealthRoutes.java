package io.squall.http;

import static akka.http.javadsl.server.Directives.completeWithFuture;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/health}: 200 when Kafka, Cassandra and the cluster are usable, 503 naming what
 * is not.
 */
public final class HealthRoutes {
  private final Health health;

  public HealthRoutes(Health health) {
    this.health = health;
  }

  /** The body of a health answer; {@code error} and {@code detail} only when something is down. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Body(String status, String error, String detail, List<Health.Component> checks) {}

  public Route routes() {
    return pathPrefix("api", () -> pathPrefix("v1", this::v1));
  }

  /** The route under {@code /api/v1}. */
  Route v1() {
    return path("health", () -> get(this::answer));
  }

  private Route answer() {
    CompletionStage<HttpResponse> response = health.check().thenApply(HealthRoutes::toResponse);
    return completeWithFuture(response);
  }

  static HttpResponse toResponse(Health.Report report) {
    Body body;
    if (report.up()) {
      body = new Body("UP", null, null, report.components());
    } else {
      String detail =
          report.down().stream()
              .map(c -> c.name() + " is unavailable: " + c.detail())
              .collect(Collectors.joining("; "));
      body = new Body("DOWN", "unavailable", detail, report.components());
    }
    try {
      return HttpResponse.create()
          .withStatus(report.up() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE)
          .withEntity(
              HttpEntities.create(
                  ContentTypes.APPLICATION_JSON, JsonSupport.MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("health report could not be written as JSON", e);
    }
  }
}
