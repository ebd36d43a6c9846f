package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RequestMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RequestMeters meters = new RequestMeters(registry, ApiRoutes.ENDPOINTS);

  @Test
  void shouldNameEveryRouteByItsTemplateNeverByTheIdInThePath() {
    assertEquals("/api/v1/devices/{id}", meters.route("GET", "/api/v1/devices/724940:23234"));
    assertEquals("/api/v1/devices/{id}/daily", meters.route("GET", "/api/v1/devices/srv-1/daily"));
    assertEquals("/api/v1/readings", meters.route("POST", "/api/v1/readings"));
    assertEquals("other", meters.route("GET", "/api/v1/readings"));
    assertEquals("other", meters.route("GET", "/api/v1/devices/a/b/c"));
    assertEquals("other", meters.route("GET", "/"));
  }

  @Test
  void shouldTimeEachRequestByMethodRouteAndStatusOnceAnswered() throws Exception {
    meters
        .around(
            request ->
                CompletableFuture.completedFuture(
                    HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)))
        .apply(HttpRequest.GET("/api/v1/devices/x1"))
        .toCompletableFuture()
        .get();

    assertEquals(
        1,
        registry
            .get("http.server.requests")
            .tags("method", "GET", "route", "/api/v1/devices/{id}", "status", "404")
            .timer()
            .count());
  }
}
