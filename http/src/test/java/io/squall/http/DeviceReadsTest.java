package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.japi.function.Function;
import com.typesafe.config.Config;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.DeviceTenure;
import io.squall.projections.Aggregates;
import io.squall.projections.ProjectionVersions;
import io.squall.sharding.IngestSettings;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device reads answered without the routing DSL give what the routes give, byte for byte, and
 * leave everything else to them.
 */
class DeviceReadsTest {
  private static final String STATION = "725030:14732";
  private static ActorTestKit testKit;
  private static Function<HttpRequest, CompletionStage<HttpResponse>> routes;
  private static DeviceReads reads;

  @BeforeAll
  static void start() throws Exception {
    Config config =
        RouteTesting.devicesConfig("akka.actor.testkit.typed.throw-on-shutdown-timeout = off");
    testKit = ActorTestKit.create("DeviceReadsTest", config);
    io.squall.persistence.testing.LocalInfra.joinSelf(testKit.system());
    // this node consumes every device's partition
    DeviceTenure.get(testKit.system()).partitionsBy(id -> 0);
    DeviceTenure.get(testKit.system()).assigned(List.of(0));
    Device.init(testKit.system(), DeviceProjection.NONE);
    RouteTesting.recordOneReading(testKit.system(), STATION);
    HttpSettings http = HttpSettings.create(config);
    CompletionStage<Aggregates> aggregates =
        CompletableFuture.completedFuture(
            new Aggregates(
                new ApiRoutesTest.FixedRepository(),
                () -> new ProjectionVersions.State(1, OptionalInt.empty(), false)));
    CompletionStage<Optional<Object>> devices = CompletableFuture.completedFuture(Optional.empty());
    Route api =
        ApiRoutes.create(
            testKit.system(),
            http,
            ApiAuth.create(testKit.system(), http.auth()),
            IngestSettings.create(config),
            () -> CompletableFuture.completedFuture(new Health.Report(List.of())),
            CompletableFuture.completedFuture(Optional.empty()),
            aggregates,
            new CompletableFuture<>());
    routes = ApiErrors.seal(api).handler(testKit.system());
    reads = new DeviceReads(testKit.system(), http, devices, aggregates);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static HttpResponse answer(
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, String uri) throws Exception {
    HttpResponse response =
        handler.apply(HttpRequest.GET(uri)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return response.withEntity(
        response
            .entity()
            .toStrict(5_000, testKit.system())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS));
  }

  private static String body(HttpResponse response) throws Exception {
    return RouteTesting.text(response, testKit.system());
  }

  /** What the reads answer by themselves: the routes behind them are out of order. */
  private static final Function<HttpRequest, CompletionStage<HttpResponse>> NOTHING_BEHIND =
      request -> CompletableFuture.failedFuture(new IllegalStateException("asked the routes"));

  private static void assertSameAnswer(String uri, boolean answeredByThemselves) throws Exception {
    HttpResponse expected = answer(routes, uri);
    HttpResponse actual = answer(reads.around(answeredByThemselves ? NOTHING_BEHIND : routes), uri);
    assertEquals(expected.status(), actual.status(), uri);
    assertEquals(expected.entity().getContentType(), actual.entity().getContentType(), uri);
    assertEquals(body(expected), body(actual), uri);
  }

  @Test
  void shouldAnswerAsTheRoutesDoWithoutThem() throws Exception {
    String device = "/api/v1/devices/" + STATION;
    assertSameAnswer(device, true);
    assertSameAnswer(device + "/daily?metric=temperature&from=2008-01-01&to=2008-01-28", true);
    assertSameAnswer(device + "/monthly?metric=temperature&year=2008", true);
    assertSameAnswer(device + "/top?metric=temperature&year=2008&k=1", true);
    assertSameAnswer(device + "/top?metric=temperature&year=2008&k=2&by=max", true);
  }

  @Test
  void shouldLeaveWhatTheyCannotAnswerToTheRoutes() throws Exception {
    String device = "/api/v1/devices/" + STATION;
    for (String uri :
        List.of(
            device + "/",
            device + "/daily?metric=humidity&from=2008-01-01&to=2008-01-28",
            device + "/daily?metric=temperature&from=2008-01-28&to=2008-01-01",
            device + "/daily?metric=temperature&from=2008-01-01&to=2009-12-31",
            device + "/daily?metric=temperature&metric=pressure&from=2008-01-01&to=2008-01-28",
            device + "/daily?metric=temperature&from=2008-1-1&to=2008-01-28",
            device + "/monthly?metric=temperature&year=0",
            device + "/top?metric=temperature&year=2008",
            device + "/top?metric=temperature&year=2008&k=3&by=median",
            device + "/weekly?metric=temperature",
            "/api/v1/devices/nobody/daily?metric=temperature&from=2008-01-01&to=2008-01-28",
            "/api/v1/devices/" + STATION.replace(":", "%3A"),
            "/api/v1/health")) {
      assertSameAnswer(uri, false);
    }
  }

  @Test
  void shouldAnswer404ForADeviceThatSaidItNeverRecordedWithoutAskingItAgain() throws Exception {
    String nobody = "/api/v1/devices/never-recorded";
    assertEquals(StatusCodes.NOT_FOUND, answer(routes, nobody).status(), "the entity's answer");
    assertSameAnswer(nobody, true);
    assertSameAnswer(nobody + "/daily?metric=temperature&from=2008-01-01&to=2008-01-28", true);
    assertSameAnswer(nobody + "/daily?metric=humidity&from=2008-01-01&to=2008-01-28", false);
  }
}
