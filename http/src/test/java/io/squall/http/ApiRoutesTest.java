package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import io.squall.projections.Aggregate;
import io.squall.projections.AggregateRow;
import io.squall.projections.Aggregates;
import io.squall.projections.AggregatesProjection;
import io.squall.projections.AggregatesRepository;
import io.squall.projections.Period;
import io.squall.projections.PeriodRow;
import io.squall.projections.ProjectionVersions;
import io.squall.sharding.IngestSettings;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route and status code of the v1 contract that needs no real Kafka or Cassandra: devices on
 * an in-memory journal, aggregates from a fake repository, Kafka at a closed port.
 */
class ApiRoutesTest {
  private static final String STATION = "725030:14732";
  private static final String TOKEN = ApiTokens.newToken();
  private static final ApiAuth AUTH =
      ApiAuth.of(
          ApiTokens.parse(ApiTokens.line(TOKEN, EnumSet.allOf(Scope.class), "tester"), "test"),
          true);
  private static ActorTestKit testKit;
  private static Config config;
  private static Route routes;
  private static Route slowRoutes;

  @BeforeAll
  static void start() throws Exception {
    config =
        RouteTesting.devicesConfig(
            "squall.http.max-body = 2KiB",
            "akka.actor.testkit.typed.throw-on-shutdown-timeout = off");
    testKit = ActorTestKit.create("ApiRoutesTest", config);
    io.squall.persistence.testing.LocalInfra.joinSelf(testKit.system());
    Device.init(testKit.system(), DeviceProjection.NONE);
    RouteTesting.recordOneReading(testKit.system(), STATION);

    HttpSettings http = HttpSettings.create(config);
    IngestSettings ingest = IngestSettings.create(config);
    Health healthy =
        () ->
            CompletableFuture.completedFuture(
                new Health.Report(List.of(new Health.Component("kafka", true, "ok"))));
    CompletionStage<AggregatesProjection> starting = new CompletableFuture<>();
    routes =
        ApiErrors.seal(
            ApiRoutes.create(
                testKit.system(),
                http,
                AUTH,
                ingest,
                healthy,
                CompletableFuture.completedFuture(java.util.Optional.empty()),
                CompletableFuture.completedFuture(
                    new Aggregates(new FixedRepository(), ApiRoutesTest::versionOne)),
                starting));
    HttpSettings impatient =
        new HttpSettings(
            http.iface(),
            http.port(),
            http.healthTimeout(),
            Duration.ofMillis(500),
            http.maxRangeDays(),
            http.maxBody(),
            http.metrics(),
            http.auth(),
            http.tls());
    slowRoutes =
        ApiErrors.seal(
            ApiRoutes.create(
                testKit.system(),
                impatient,
                AUTH,
                ingest,
                healthy,
                CompletableFuture.completedFuture(java.util.Optional.empty()),
                CompletableFuture.completedFuture(
                    new Aggregates(new FailingRepository(), ApiRoutesTest::versionOne)),
                starting));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static ProjectionVersions.State versionOne() {
    return new ProjectionVersions.State(1, java.util.OptionalInt.empty(), false);
  }

  /**
   * Two days of temperature for the station, whatever is asked (DeviceReadsTest reads them too).
   */
  static class FixedRepository implements AggregatesRepository {
    @Override
    public CompletionStage<Map<Period, PeriodRow>> load(
        int version, String deviceId, Collection<Period> periods) {
      return CompletableFuture.completedFuture(Map.of());
    }

    @Override
    public CompletionStage<akka.Done> save(
        int version, String deviceId, Collection<PeriodRow> rows) {
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    }

    @Override
    public CompletionStage<List<AggregateRow>> dailyOfEarlierLayout(
        int version, String deviceId, String metric, LocalDate from, LocalDate to) {
      return daily(version, deviceId, metric, from, to);
    }

    @Override
    public CompletionStage<List<AggregateRow>> monthlyOfEarlierLayout(
        int version, String deviceId, String metric, int year) {
      return monthly(version, deviceId, metric, year);
    }

    @Override
    public CompletionStage<akka.Done> registerDevice(String deviceId) {
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    }

    @Override
    public akka.stream.javadsl.Source<String, akka.NotUsed> devices() {
      return akka.stream.javadsl.Source.empty();
    }

    @Override
    public CompletionStage<akka.Done> markRebuilt(int version, String deviceId, long lastSeq) {
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    }

    @Override
    public CompletionStage<java.util.Optional<Long>> rebuilt(int version, String deviceId) {
      return CompletableFuture.completedFuture(java.util.Optional.empty());
    }

    @Override
    public CompletionStage<List<AggregateRow>> daily(
        int version, String deviceId, String metric, LocalDate from, LocalDate to) {
      if (!deviceId.equals(STATION)) {
        return CompletableFuture.completedFuture(List.of());
      }
      return CompletableFuture.completedFuture(
          List.of(
              new AggregateRow(
                  new AggregateRow.Day(deviceId, metric, LocalDate.parse("2008-01-01")),
                  new Aggregate(2, 1.0, 3.0, 4.0, 10.0),
                  1),
              new AggregateRow(
                  new AggregateRow.Day(deviceId, metric, LocalDate.parse("2008-01-02")),
                  new Aggregate(1, 7.0, 7.0, 7.0, 49.0),
                  2)));
    }

    @Override
    public CompletionStage<List<AggregateRow>> monthly(
        int version, String deviceId, String metric, int year) {
      return CompletableFuture.completedFuture(
          List.of(
              new AggregateRow(
                  new AggregateRow.Month(deviceId, metric, YearMonth.of(year, 1)),
                  new Aggregate(3, 1.0, 7.0, 11.0, 59.0),
                  2)));
    }

    @Override
    public CompletionStage<akka.Done> createTables(int version) {
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    }

    @Override
    public CompletionStage<akka.Done> dropTables(int version) {
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    }
  }

  /** Cassandra is down. */
  private static final class FailingRepository extends FixedRepository {
    @Override
    public CompletionStage<List<AggregateRow>> daily(
        int version, String deviceId, String metric, LocalDate from, LocalDate to) {
      return CompletableFuture.failedFuture(
          new com.datastax.oss.driver.api.core.AllNodesFailedException(
              "no node", null, List.of()) {});
    }
  }

  /** {@code request} to {@code route}, with a token that may do everything. */
  private static HttpResponse call(Route route, HttpRequest request) throws Exception {
    return route
        .handler(testKit.system())
        .apply(request.addHeader(Authorization.oauth2(TOKEN)))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** Routes whose device sharding, consumer and projection are all still starting. */
  private static Route nothingStarted() {
    return ApiErrors.seal(
        ApiRoutes.create(
            testKit.system(),
            HttpSettings.create(config),
            AUTH,
            IngestSettings.create(config),
            () -> new CompletableFuture<>(),
            new CompletableFuture<>(),
            new CompletableFuture<>(),
            new CompletableFuture<>()));
  }

  private static HttpResponse get(String uri) throws Exception {
    return call(routes, HttpRequest.GET(uri));
  }

  private static JsonNode json(HttpResponse response) throws Exception {
    return RouteTesting.json(response, testKit.system());
  }

  private static void assertError(
      HttpResponse response, int status, String error, String detailPart) throws Exception {
    assertEquals(status, response.status().intValue());
    assertEquals(ContentTypes.APPLICATION_JSON, response.entity().getContentType());
    JsonNode body = json(response);
    assertEquals(error, body.get("error").asText());
    assertTrue(body.get("detail").asText().contains(detailPart), body.get("detail").asText());
  }

  @Test
  void shouldAnswerTheLiveStateOfADevice() throws Exception {
    HttpResponse response = get("/api/v1/devices/" + STATION);

    assertEquals(200, response.status().intValue());
    JsonNode body = json(response);
    assertEquals(STATION, body.get("id").asText());
    assertEquals(1, body.get("readings").asLong());
    assertEquals(0, body.get("duplicates").asLong());
    assertEquals("2008-01-01T00:00:00Z", body.get("first").asText());
    assertEquals(5.0, body.get("latest").get("temperature").asDouble());
  }

  @Test
  void shouldAnswer404ForADeviceThatNeverRecorded() throws Exception {
    assertError(get("/api/v1/devices/nobody"), 404, "not found", "nobody never recorded");
    assertError(
        get("/api/v1/devices/nobody/daily?metric=temperature&from=2008-01-01&to=2008-01-31"),
        404,
        "not found",
        "nobody");
  }

  @Test
  void shouldAnswer503WhenTheEntityDoesNotAnswerInTime() throws Exception {
    // the journal fails every read of this device: it restarts with backoff and never answers
    akka.persistence.testkit.javadsl.PersistenceTestKit.create(testKit.system())
        .failNextNReads("Device|stuck", 1_000);
    assertError(
        call(slowRoutes, HttpRequest.GET("/api/v1/devices/stuck")),
        503,
        "unavailable",
        "did not answer in time");
  }

  @Test
  void shouldAnswerDailyMonthlyAndTopFigures() throws Exception {
    JsonNode daily =
        json(
            get(
                "/api/v1/devices/"
                    + STATION
                    + "/daily?metric=temperature&from=2008-01-01&to=2008-01-31"));
    assertEquals("2008-01-01", daily.get(0).get("date").asText());
    assertEquals(2, daily.get(0).get("count").asLong());
    assertEquals(2.0, daily.get(0).get("mean").asDouble());
    assertEquals(1.0, daily.get(0).get("stdev").asDouble());
    assertEquals(4.0, daily.get(0).get("sum").asDouble());

    JsonNode monthly =
        json(get("/api/v1/devices/" + STATION + "/monthly?metric=temperature&year=2008"));
    assertEquals("2008-01", monthly.get(0).get("month").asText());
    assertEquals(3, monthly.get(0).get("count").asLong());

    JsonNode top =
        json(get("/api/v1/devices/" + STATION + "/top?metric=temperature&year=2008&k=1"));
    assertEquals(1, top.size());
    assertEquals("2008-01-02", top.get(0).get("date").asText());
    assertEquals(7.0, top.get(0).get("value").asDouble());
    JsonNode byMin =
        json(get("/api/v1/devices/" + STATION + "/top?metric=temperature&year=2008&k=2&by=min"));
    assertEquals("2008-01-02", byMin.get(0).get("date").asText());
  }

  @Test
  void shouldAnswer400NamingTheBadParameter() throws Exception {
    String base = "/api/v1/devices/" + STATION;
    assertError(
        get(base + "/daily?metric=humidity&from=2008-01-01&to=2008-01-31"),
        400,
        "bad parameter",
        "metric: unknown metric 'humidity'");
    assertError(
        get(base + "/daily?from=2008-01-01&to=2008-01-31"),
        400,
        "bad parameter",
        "metric: is required");
    assertError(
        get(base + "/daily?metric=temperature&from=2008-13-01&to=2008-12-31"),
        400,
        "bad parameter",
        "from: '2008-13-01' is not a date");
    assertError(
        get(base + "/daily?metric=temperature&from=2008-02-01&to=2008-01-01"),
        400,
        "bad parameter",
        "from: '2008-02-01' is after to");
    assertError(
        get(base + "/daily?metric=temperature&from=2008-01-01&to=2009-12-31"),
        400,
        "bad parameter",
        "at most 366");
    assertError(
        get(base + "/monthly?metric=temperature&year=twenty"),
        400,
        "bad parameter",
        "year: 'twenty' is not a whole number");
    assertError(
        get(base + "/top?metric=temperature&year=2008&k=0"),
        400,
        "bad parameter",
        "k: 0 is outside 1..366");
    assertError(
        get(base + "/top?metric=temperature&year=2008&k=400"),
        400,
        "bad parameter",
        "k: 400 is outside");
    assertError(
        get(base + "/top?metric=temperature&year=2008&k=3&by=median"),
        400,
        "bad parameter",
        "by: 'median'");
  }

  @Test
  void shouldAnswer503WhenCassandraIsUnavailable() throws Exception {
    assertError(
        call(
            slowRoutes,
            HttpRequest.GET(
                "/api/v1/devices/"
                    + STATION
                    + "/daily?metric=temperature&from=2008-01-01&to=2008-01-02")),
        503,
        "unavailable",
        "Cassandra is unavailable");
  }

  @Test
  void shouldRejectABodyWithNothingValidWith400() throws Exception {
    HttpResponse response =
        call(
            routes,
            HttpRequest.POST("/api/v1/readings")
                .withEntity(
                    HttpEntities.create(
                        ContentTypes.TEXT_CSV_UTF8,
                        "725030:14732,2008,13,01,00,5.0\nnot,a,line\n")));
    assertError(response, 400, "bad request", "line 1: expected 13 comma-separated columns");
    assertError(
        call(
            routes,
            HttpRequest.POST("/api/v1/readings")
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"device\": 7"))),
        400,
        "bad request",
        "not valid JSON");
  }

  @Test
  void shouldRejectAnUnknownMediaTypeWith415AndABodyOverTheLimitWith413() throws Exception {
    assertError(
        call(
            routes,
            HttpRequest.POST("/api/v1/readings")
                .withEntity(HttpEntities.create(ContentTypes.TEXT_XML_UTF8, "<reading/>"))),
        415,
        "unsupported media type",
        "text/csv");
    String big = "725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0\n".repeat(100);
    assertError(
        call(
            routes,
            HttpRequest.POST("/api/v1/readings")
                .withEntity(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, big))),
        413,
        "content too large",
        "2048");
  }

  @Test
  void shouldAnswer503WhenKafkaDoesNotTakeTheReadings() throws Exception {
    HttpResponse response =
        call(
            routes,
            HttpRequest.POST("/api/v1/readings")
                .withEntity(
                    HttpEntities.create(
                        ContentTypes.TEXT_CSV_UTF8,
                        "725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0\n")));
    assertError(response, 503, "unavailable", "did not take the readings");
  }

  @Test
  void shouldAnswer503WhileTheDeviceShardsAreStarting() throws Exception {
    Route waitingForKafka = nothingStarted();

    assertError(
        call(waitingForKafka, HttpRequest.GET("/api/v1/devices/" + STATION)),
        503,
        "unavailable",
        "device sharding is still starting");
    assertError(
        call(
            waitingForKafka,
            HttpRequest.GET(
                "/api/v1/devices/" + STATION + "/top?metric=temperature&year=2008&k=1")),
        503,
        "unavailable",
        "device sharding is still starting");
  }

  @Test
  void shouldSayANodeWithoutIngestionConsumesNothing() throws Exception {
    HttpResponse response = get("/api/v1/ingest");

    assertEquals(200, response.status().intValue());
    assertFalse(json(response).get("consuming").asBoolean());
  }

  @Test
  void shouldAnswer503ForTheIngestFiguresWhileTheConsumerIsStarting() throws Exception {
    Route starting = nothingStarted();

    assertError(
        call(starting, HttpRequest.GET("/api/v1/ingest")),
        503,
        "unavailable",
        "the readings consumer is still starting");
  }

  @Test
  void shouldAnswer503WhileTheProjectionIsStarting() throws Exception {
    assertError(get("/api/v1/projections"), 503, "unavailable", "still starting");
    assertError(
        call(routes, HttpRequest.POST("/api/v1/projections/aggregates/rebuild")),
        503,
        "unavailable",
        "still starting");
  }

  @Test
  void shouldAnswerAWrongMethodWith405AndAnUnknownPathWith404() throws Exception {
    assertError(
        call(routes, HttpRequest.create("/api/v1/readings").withMethod(HttpMethods.GET)),
        405,
        "method not allowed",
        "POST");
    assertError(get("/api/v1/nothing"), 404, "not found", "could not be found");
  }

  @Test
  void shouldDocumentExactlyTheRoutesItServes() throws Exception {
    HttpResponse response = get("/api/v1/openapi.yaml");
    assertEquals(200, response.status().intValue());
    String yaml = RouteTesting.text(response, testKit.system());
    Set<String> documented = new HashSet<>();
    String path = null;
    Matcher line = Pattern.compile("(?m)^  (/\\S+):$|^    (get|post|put|delete):").matcher(yaml);
    while (line.find()) {
      if (line.group(1) != null) {
        path = line.group(1);
      } else {
        documented.add(line.group(2).toUpperCase() + " " + path);
      }
    }
    assertEquals(new HashSet<>(ApiRoutes.ENDPOINTS), documented);

    // and every documented endpoint is routed: neither 404 nor 405
    for (String endpoint : ApiRoutes.ENDPOINTS) {
      String[] parts = endpoint.split(" ");
      String uri =
          parts[1].replace("{id}", STATION)
              + "?metric=temperature&from=2008-01-01&to=2008-01-02&year=2008&k=1";
      HttpRequest request =
          HttpRequest.create(uri)
              .withMethod(parts[0].equals("GET") ? HttpMethods.GET : HttpMethods.POST);
      if (parts[1].equals("/api/v1/readings")) {
        request = request.withEntity(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, "x"));
      }
      int status = call(routes, request).status().intValue();
      assertTrue(status != 404 && status != 405, endpoint + " answered " + status);
    }
  }
}
