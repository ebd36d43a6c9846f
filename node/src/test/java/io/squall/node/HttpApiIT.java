package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real node, over HTTP only: the 2008 SFO file is POSTed as CSV in chunks, then live state,
 * daily, monthly and top-K answers are compared with figures computed here from the file.
 */
class HttpApiIT {
  private static final String SFO = "724940:23234";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void shouldAnswerFromTheRealPipelineWhatTheFileSays() throws Exception {
    Config config = TestNode.config("it_http");
    ActorTestKit testKit = ActorTestKit.create("HttpApiIT", config);
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      int port =
          node.http().toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
      String api = "http://127.0.0.1:" + port + "/api/v1";

      List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
      int accepted = 0;
      for (int from = 0; from < lines.size(); from += 1000) {
        String chunk =
            String.join("\n", lines.subList(from, Math.min(from + 1000, lines.size()))) + "\n";
        HttpResponse<String> response =
            send(
                HttpRequest.newBuilder(URI.create(api + "/readings"))
                    .header("Content-Type", "text/csv")
                    .header("Authorization", "Bearer " + TestNode.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(chunk)));
        assertEquals(202, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(0, body.get("rejected").size());
        accepted += body.get("accepted").asInt();
      }
      assertEquals(8_784, accepted);
      HttpResponse<String> anonymous =
          send(
              HttpRequest.newBuilder(URI.create(api + "/readings"))
                  .header("Content-Type", "text/csv")
                  .POST(HttpRequest.BodyPublishers.ofString(lines.get(0) + "\n")));
      assertEquals(401, anonymous.statusCode(), anonymous.body());
      assertEquals(
          "Bearer realm=\"squall\"",
          anonymous.headers().firstValue("WWW-Authenticate").orElse("(none)"));

      List<Reading> readings = lines.stream().map(NoaaFile::parse).toList();
      // every reading counted by the projection: the year's daily counts add up
      awaitUntil(
          () -> {
            JsonNode state = getJson(api + "/devices/" + SFO, 200);
            return state != null && state.get("readings").asLong() == 8_784;
          },
          "the device recorded the file");
      JsonNode state = getJson(api + "/devices/" + SFO, 200);
      assertEquals(0, state.get("duplicates").asLong());
      assertEquals("2008-01-01T00:00:00Z", state.get("first").asText());
      assertEquals("2008-12-31T23:00:00Z", state.get("last").asText());
      Reading last = readings.get(readings.size() - 1);
      assertEquals(
          last.metrics().get("temperature"), state.get("latest").get("temperature").asDouble());

      Map<LocalDate, double[]> days = new TreeMap<>();
      Map<Integer, double[]> months = new TreeMap<>();
      for (Reading reading : readings) {
        Double t = reading.metrics().get("temperature");
        if (t != null) {
          LocalDate date = reading.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
          add(
              days.computeIfAbsent(
                  date, d -> new double[] {0, Double.MAX_VALUE, -Double.MAX_VALUE, 0, 0}),
              t);
          add(
              months.computeIfAbsent(
                  date.getMonthValue(),
                  m -> new double[] {0, Double.MAX_VALUE, -Double.MAX_VALUE, 0, 0}),
              t);
        }
      }
      awaitUntil(
          () -> {
            JsonNode december =
                getJson(api + "/devices/" + SFO + "/monthly?metric=temperature&year=2008", 200);
            return december != null
                && december.size() == 12
                && december.get(11).get("count").asLong() == (long) months.get(12)[0];
          },
          "the projection has every month");

      JsonNode july =
          getJson(
              api + "/devices/" + SFO + "/daily?metric=temperature&from=2008-07-01&to=2008-07-31",
              200);
      assertEquals(31, july.size());
      for (JsonNode day : july) {
        double[] f = days.get(LocalDate.parse(day.get("date").asText()));
        assertFigures(day, f);
      }
      JsonNode monthly =
          getJson(api + "/devices/" + SFO + "/monthly?metric=temperature&year=2008", 200);
      for (JsonNode month : monthly) {
        assertFigures(
            month, months.get(Integer.parseInt(month.get("month").asText().substring(5))));
      }

      List<Map.Entry<LocalDate, double[]>> ranked = new ArrayList<>(days.entrySet());
      ranked.sort(
          Comparator.comparingDouble((Map.Entry<LocalDate, double[]> e) -> -(e.getValue()[2]))
              .thenComparing(Map.Entry::getKey));
      JsonNode top =
          getJson(api + "/devices/" + SFO + "/top?metric=temperature&year=2008&k=5&by=max", 200);
      for (int i = 0; i < 5; i++) {
        assertEquals(ranked.get(i).getKey().toString(), top.get(i).get("date").asText());
        assertEquals(ranked.get(i).getValue()[2], top.get(i).get("value").asDouble());
      }

      JsonNode projections = getJson(api + "/projections", 200);
      assertEquals("aggregates", projections.get(0).get("name").asText());
      JsonNode serving = projections.get(0).get("versions").get(0);
      assertEquals(1, serving.get("version").asInt());
      assertEquals("serving", serving.get("state").asText());
      assertEquals(0, serving.get("devicesPending").asLong(), "nothing left to write: " + serving);
      assertEquals(0, serving.get("eventsPending").asLong(), serving.toString());
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private static void add(double[] f, double value) {
    f[0] += 1;
    f[1] = Math.min(f[1], value);
    f[2] = Math.max(f[2], value);
    f[3] += value;
    f[4] += value * value;
  }

  private static void assertFigures(JsonNode row, double[] f) {
    double mean = f[3] / f[0];
    assertEquals((long) f[0], row.get("count").asLong(), row.toString());
    assertEquals(f[1], row.get("min").asDouble(), row.toString());
    assertEquals(f[2], row.get("max").asDouble(), row.toString());
    assertEquals(f[3], row.get("sum").asDouble(), 1e-6, row.toString());
    assertEquals(mean, row.get("mean").asDouble(), 1e-6, row.toString());
    assertEquals(
        Math.sqrt(Math.max(0, f[4] / f[0] - mean * mean)),
        row.get("stdev").asDouble(),
        1e-6,
        row.toString());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String uri, int status) {
    try {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(uri)).GET());
      return response.statusCode() == status ? JSON.readTree(response.body()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(300);
    }
  }
}
