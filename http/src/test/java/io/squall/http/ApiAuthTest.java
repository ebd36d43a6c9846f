package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.BasicHttpCredentials;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.sharding.IngestSettings;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the API with reads closed, called with no token, with a token lacking the route's
 * scope and with one holding it: 401, 403, and the route's own answer.
 */
class ApiAuthTest {
  private static final String READER = ApiTokens.newToken();
  private static final String WRITER = ApiTokens.newToken();
  private static final String ADMIN = ApiTokens.newToken();
  private static final String DEVICE = "/api/v1/devices/725030:14732";
  private static ActorTestKit testKit;
  private static Route routes;

  @BeforeAll
  static void start() {
    Config config =
        RouteTesting.clusterConfig()
            .withFallback(ConfigFactory.parseResources("kafka.conf"))
            .withFallback(ConfigFactory.parseResources("http.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    testKit = ActorTestKit.create("ApiAuthTest", config);
    ApiTokens tokens =
        ApiTokens.parse(
            String.join(
                "\n",
                "# one token per scope",
                ApiTokens.line(READER, EnumSet.of(Scope.READ), "reader"),
                ApiTokens.line(WRITER, EnumSet.of(Scope.WRITE), "writer"),
                ApiTokens.line(ADMIN, EnumSet.of(Scope.ADMIN), "admin")),
            "test");
    // nothing behind the routes has started: a request let through answers 503 (or 400)
    routes =
        ApiErrors.seal(
            ApiRoutes.create(
                testKit.system(),
                HttpSettings.create(config),
                ApiAuth.of(tokens, false),
                IngestSettings.create(config),
                () -> CompletableFuture.completedFuture(new Health.Report(List.of())),
                new CompletableFuture<>(),
                new CompletableFuture<>(),
                new CompletableFuture<>()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A call of each endpoint: the scope it needs and what it answers once let through. */
  private record Call(String endpoint, String uri, Scope scope, int passed) {
    HttpRequest request() {
      return endpoint.startsWith("GET")
          ? HttpRequest.GET(uri)
          : HttpRequest.POST(uri).withEntity(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, ""));
    }

    /** A token without this call's scope. */
    String wrongToken() {
      return scope == Scope.READ ? WRITER : READER;
    }

    String rightToken() {
      return switch (scope) {
        case READ -> READER;
        case WRITE -> WRITER;
        case ADMIN -> ADMIN;
      };
    }
  }

  private static final List<Call> PROTECTED =
      List.of(
          new Call("GET /api/v1/devices/{id}", DEVICE, Scope.READ, 503),
          new Call(
              "GET /api/v1/devices/{id}/daily",
              DEVICE + "/daily?metric=temperature&from=2008-01-01&to=2008-01-02",
              Scope.READ,
              503),
          new Call(
              "GET /api/v1/devices/{id}/monthly",
              DEVICE + "/monthly?metric=temperature&year=2008",
              Scope.READ,
              503),
          new Call(
              "GET /api/v1/devices/{id}/top",
              DEVICE + "/top?metric=temperature&year=2008&k=3",
              Scope.READ,
              503),
          new Call("POST /api/v1/readings", "/api/v1/readings", Scope.WRITE, 400),
          new Call("GET /api/v1/ingest", "/api/v1/ingest", Scope.READ, 503),
          new Call("GET /api/v1/projections", "/api/v1/projections", Scope.READ, 503),
          new Call(
              "POST /api/v1/projections/aggregates/rebuild",
              "/api/v1/projections/aggregates/rebuild",
              Scope.ADMIN,
              503));

  private static final List<String> OPEN = List.of("/api/v1/health", "/api/v1/openapi.yaml");

  static Stream<Arguments> protectedCalls() {
    return PROTECTED.stream().map(call -> Arguments.of(call.endpoint(), call));
  }

  private static HttpResponse call(HttpRequest request) throws Exception {
    return routes
        .handler(testKit.system())
        .apply(request)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static JsonNode json(HttpResponse response) throws Exception {
    return RouteTesting.json(response, testKit.system());
  }

  private static String challenge(HttpResponse response) {
    return response.getHeader("WWW-Authenticate").map(h -> h.value()).orElse("(none)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedCalls")
  void shouldAnswer401WithoutAToken(String endpoint, Call call) throws Exception {
    HttpResponse response = call(call.request());

    assertEquals(401, response.status().intValue());
    assertEquals("Bearer realm=\"squall\"", challenge(response));
    JsonNode body = json(response);
    assertEquals("unauthorized", body.get("error").asText());
    assertTrue(
        body.get("detail")
            .asText()
            .contains("needs a bearer token with the " + call.scope().label()),
        body.get("detail").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedCalls")
  void shouldAnswer403ForATokenWithoutTheScope(String endpoint, Call call) throws Exception {
    HttpResponse response = call(call.request().addHeader(Authorization.oauth2(call.wrongToken())));

    assertEquals(403, response.status().intValue());
    assertTrue(
        challenge(response).contains("insufficient_scope")
            && challenge(response).contains(call.scope().label()),
        challenge(response));
    JsonNode body = json(response);
    assertEquals("forbidden", body.get("error").asText());
    assertTrue(
        body.get("detail").asText().endsWith("needs the " + call.scope().label() + " scope"),
        body.get("detail").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protectedCalls")
  void shouldServeATokenWithTheScope(String endpoint, Call call) throws Exception {
    HttpResponse response = call(call.request().addHeader(Authorization.oauth2(call.rightToken())));

    assertEquals(call.passed(), response.status().intValue(), json(response).toString());
  }

  @Test
  void shouldAnswer401ForAnUnknownTokenOrAnotherScheme() throws Exception {
    HttpResponse unknown =
        call(
            HttpRequest.POST("/api/v1/readings")
                .addHeader(Authorization.oauth2(ApiTokens.newToken())));
    assertEquals(401, unknown.status().intValue());
    assertEquals(
        "the bearer token is not one of this node's tokens", json(unknown).get("detail").asText());

    HttpResponse basic =
        call(
            HttpRequest.GET("/api/v1/ingest")
                .addHeader(
                    Authorization.create(
                        BasicHttpCredentials.createBasicHttpCredentials("admin", ADMIN))));
    assertEquals(401, basic.status().intValue());
    assertTrue(json(basic).get("detail").asText().contains("bearer tokens only"));
  }

  @Test
  void shouldLeaveHealthAndTheApiDescriptionOpen() throws Exception {
    for (String uri : OPEN) {
      int status = call(HttpRequest.GET(uri)).status().intValue();
      assertTrue(status == 200 || status == 503, uri + " answered " + status);
    }
  }

  @Test
  void shouldDocumentEachOperationsScope() throws Exception {
    Map<String, String> documented = new HashMap<>();
    String path = null;
    String method = null;
    try (var in = ApiRoutes.class.getResourceAsStream("openapi.yaml")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.matches("  /\\S+:")) {
          path = line.strip().replace(":", "");
        } else if (line.matches("    (get|post):")) {
          method = line.strip().replace(":", "").toUpperCase(Locale.ROOT);
        } else if (line.startsWith("      x-squall-scope: ")) {
          documented.put(method + " " + path, line.substring(line.indexOf(':') + 1).strip());
        }
      }
    }
    Map<String, String> enforced = new HashMap<>();
    PROTECTED.forEach(call -> enforced.put(call.endpoint(), call.scope().label()));
    assertEquals(enforced, documented);
  }

  @Test
  void shouldCoverEveryEndpoint() {
    Set<String> covered = new HashSet<>();
    PROTECTED.forEach(call -> covered.add(call.endpoint()));
    OPEN.forEach(uri -> covered.add("GET " + uri));
    assertEquals(new HashSet<>(ApiRoutes.ENDPOINTS), covered);
  }
}
