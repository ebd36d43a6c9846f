package io.squall.http;

import static akka.http.javadsl.server.Directives.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.sharding.IngestSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Poison in {@code POST /api/v1/readings} is a 400 naming the line and why, never a record that the
 * consumer cannot take; Kafka is at a closed port, so a body that passes answers 503.
 */
class IngestRoutesTest {
  private static final String METRICS = ",5.0,-3.9,1020.4,270,4.6,2,0.0,0.0";
  private static final String RANGE = "1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";
  private static final String TOKEN = ApiTokens.newToken();
  private static ActorTestKit testKit;
  private static Route routes;
  private static HttpSettings oneMiB;
  private static ApiAuth auth;
  private static IngestSettings ingest;

  @BeforeAll
  static void start() {
    Config config =
        ConfigFactory.parseString("squall.kafka.bootstrap-servers = \"127.0.0.1:1\"")
            .withFallback(ConfigFactory.parseResources("kafka.conf"))
            .withFallback(ConfigFactory.parseResources("http.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    testKit = ActorTestKit.create("IngestRoutesTest", config);
    HttpSettings http = HttpSettings.create(config);
    oneMiB =
        new HttpSettings(
            http.iface(),
            http.port(),
            http.healthTimeout(),
            Duration.ofSeconds(5),
            http.maxRangeDays(),
            1024 * 1024,
            http.metrics(),
            http.auth(),
            http.tls());
    auth =
        ApiAuth.of(
            ApiTokens.parse(ApiTokens.line(TOKEN, EnumSet.of(Scope.WRITE), "loader"), "test"),
            true);
    ingest = IngestSettings.create(config);
    routes = routes(CompletableFuture.completedFuture(null));
  }

  /** The route of a node whose topics are made when {@code topics} completes. */
  private static Route routes(CompletionStage<?> topics) {
    IngestRoutes routes = new IngestRoutes(testKit.system(), ingest, oneMiB, auth, topics);
    return ApiErrors.seal(pathPrefix("api", () -> pathPrefix("v1", routes::routes)));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static HttpResponse post(akka.http.javadsl.model.ContentType.NonBinary type, String body)
      throws Exception {
    return post(routes, type, body).get(30, TimeUnit.SECONDS);
  }

  private static CompletableFuture<HttpResponse> post(
      Route routes, akka.http.javadsl.model.ContentType.NonBinary type, String body)
      throws Exception {
    return routes
        .handler(testKit.system())
        .apply(
            HttpRequest.POST("/api/v1/readings")
                .addHeader(Authorization.oauth2(TOKEN))
                .withEntity(HttpEntities.create(type, body)))
        .toCompletableFuture();
  }

  private static JsonNode error(HttpResponse response, int status) throws Exception {
    assertEquals(status, response.status().intValue());
    assertEquals(ContentTypes.APPLICATION_JSON, response.entity().getContentType());
    return RouteTesting.json(response, testKit.system());
  }

  private static String json(String device, String timestamp, String metrics) {
    return "{\"device\":\""
        + device
        + "\",\"timestamp\":\""
        + timestamp
        + "\",\"metrics\":{"
        + metrics
        + "}}";
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '#',
      value = {
        "pipe in the id# 7250|30:14732,2008,01,01,00"
            + "# device id '7250|30:14732' holds '|' (U+007C)",
        "year 1899# 725030:14732,1899,12,31,23# timestamp 1899-12-31T23:00:00Z is outside the range",
        "epoch millis overflow a long# 725030:14732,300000000,01,01,00"
            + "# timestamp +300000000-01-01T00:00:00Z is outside the range "
            + RANGE,
      })
  void shouldAnswer400NamingThePoisonLine(String kind, String line, String reason)
      throws Exception {
    JsonNode second = error(post(ContentTypes.TEXT_CSV_UTF8, line + METRICS + "\n"), 400);

    assertEquals("bad request", second.get("error").asText());
    assertTrue(
        second
            .get("detail")
            .asText()
            .startsWith("no valid reading; first problem, line 1: " + reason),
        second.get("detail").asText());
  }

  @Test
  void shouldAnswer400NamingEachPoisonJsonReading() throws Exception {
    List<List<String>> cases =
        List.of(
            List.of(json("d|1", "2008-01-01T00:00:00Z", ""), "device id 'd|1' holds '|'"),
            List.of(
                json("a".repeat(257), "2008-01-01T00:00:00Z", ""),
                "device id is 257 characters, over the limit of 256"),
            List.of(
                json("d", "+292278995-01-01T00:00:00Z", ""),
                "timestamp +292278995-01-01T00:00:00Z is outside the range " + RANGE),
            List.of(
                json("d", "2008-01-01T00:00:00Z", "\"m\\u0000\":1"),
                "metric name 'm?' holds U+0000"),
            List.of(json("d", "2008-01-01T00:00:00Z", "\"t\":1e999"), "metric t is not a finite"),
            List.of(
                json("d", "2008-01-01T00:00:00Z", "\"t\":1,\"pad\":\"" + "x".repeat(70_000) + "\""),
                "record is 70076 bytes, over the limit of 65536"));
    for (List<String> poison : cases) {
      JsonNode alone = error(post(ContentTypes.APPLICATION_JSON, "[" + poison.get(0) + "]"), 400);
      assertTrue(
          alone
              .get("detail")
              .asText()
              .startsWith("no valid reading; first problem, line 1: " + poison.get(1)),
          alone.get("detail").asText());
    }
  }

  @Test
  void shouldAnswer413ForMoreThan10000Lines() throws Exception {
    JsonNode body = error(post(ContentTypes.TEXT_CSV_UTF8, "x\n".repeat(10_001)), 413);

    assertEquals("content too large", body.get("error").asText());
    assertEquals(
        "the body holds more than 10000 readings; send at most 10000 per request",
        body.get("detail").asText());
  }

  @Test
  void shouldPassTheEdgesOfEveryLimitOnToKafka() throws Exception {
    String longest = ("ab:._-@+" + "x".repeat(300)).substring(0, 256);
    String edges =
        String.join(
            "\n",
            longest + ",1900,01,01,00" + METRICS,
            "725030:14732,9999,12,31,23" + METRICS,
            "bad line");

    JsonNode body = error(post(ContentTypes.TEXT_CSV_UTF8, edges), 503);

    assertEquals("unavailable", body.get("error").asText());
    assertTrue(body.get("detail").asText().contains("did not take the readings"));
  }

  @Test
  void shouldHoldAReadingUntilTheTopicsAreMade() throws Exception {
    CompletableFuture<Void> topics = new CompletableFuture<>();
    CompletableFuture<HttpResponse> response =
        post(routes(topics), ContentTypes.TEXT_CSV_UTF8, "725030:14732,2008,01,01,00" + METRICS);
    Thread.sleep(500);

    topics.completeExceptionally(new IllegalStateException("no topics"));

    // the request waited on the topics: it answers what their failure means
    JsonNode body = error(response.get(30, TimeUnit.SECONDS), 503);
    assertEquals(
        "ingestion into Kafka at 127.0.0.1:1 could not start; see the node's log",
        body.get("detail").asText());
  }

  @Test
  void shouldAnswer503WhenTheTopicsAreNotMadeInTime() throws Exception {
    HttpResponse response =
        post(
                routes(new CompletableFuture<>()),
                ContentTypes.TEXT_CSV_UTF8,
                "725030:14732,2008,01,01,00" + METRICS)
            .get(30, TimeUnit.SECONDS);

    JsonNode body = error(response, 503);
    assertEquals(
        "ingestion into Kafka at 127.0.0.1:1 is still starting; try again",
        body.get("detail").asText());
  }
}
