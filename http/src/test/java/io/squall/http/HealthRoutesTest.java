package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthRoutesTest {
  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "HealthRoutesTest");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static Health.Component up(String name) {
    return new Health.Component(name, true, name + " is fine");
  }

  private static Health fixed(Health.Component... components) {
    return () -> CompletableFuture.completedFuture(new Health.Report(List.of(components)));
  }

  private static HttpResponse call(Health health, HttpRequest request) throws Exception {
    return ApiErrors.seal(new HealthRoutes(health).routes())
        .handler(system)
        .apply(request)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static JsonNode json(HttpResponse response) throws Exception {
    return RouteTesting.json(response, system);
  }

  @Test
  void shouldAnswer200WithEveryCheckWhenAllDependenciesAreUp() throws Exception {
    HttpResponse response =
        call(fixed(up("kafka"), up("cassandra"), up("cluster")), HttpRequest.GET("/api/v1/health"));

    assertEquals(200, response.status().intValue());
    JsonNode body = json(response);
    assertEquals("UP", body.get("status").asText());
    assertEquals(3, body.get("checks").size());
    assertFalse(body.has("error"), "no error field when healthy");
  }

  @Test
  void shouldAnswer503NamingTheDependencyThatIsDown() throws Exception {
    Health.Component cassandraDown =
        new Health.Component("cassandra", false, "no contact point answered a CQL query");
    HttpResponse response =
        call(fixed(up("kafka"), cassandraDown, up("cluster")), HttpRequest.GET("/api/v1/health"));

    assertEquals(503, response.status().intValue());
    JsonNode body = json(response);
    assertEquals("DOWN", body.get("status").asText());
    assertEquals("unavailable", body.get("error").asText());
    assertEquals(
        "cassandra is unavailable: no contact point answered a CQL query",
        body.get("detail").asText());
  }

  @Test
  void shouldAnswerUnknownPathsWithA404JsonError() throws Exception {
    HttpResponse response = call(fixed(up("kafka")), HttpRequest.GET("/api/v1/no-such-thing"));

    assertEquals(404, response.status().intValue());
    JsonNode body = json(response);
    assertEquals("not found", body.get("error").asText());
    assertEquals("The requested resource could not be found.", body.get("detail").asText());
  }

  @Test
  void shouldAnswerAWrongMethodWithA405JsonError() throws Exception {
    HttpResponse response =
        call(
            fixed(up("kafka")),
            HttpRequest.create("/api/v1/health").withMethod(HttpMethods.DELETE));

    assertEquals(405, response.status().intValue());
    assertEquals("method not allowed", json(response).get("error").asText());
  }
}
