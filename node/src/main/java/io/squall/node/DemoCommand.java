package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.ZipInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code squall demo-report}: against a running node, loads the bundled NOAA data (unless it is
 * there already), shows loading and projection progress, then a summary and example queries.
 */
@Command(
    name = "demo-report",
    hidden = true,
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = "The demo's part against a running node (bin/squall demo runs it).")
final class DemoCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Parameters(index = "0", defaultValue = "http://127.0.0.1:8080/api/v1", paramLabel = "API")
  String api;

  @Parameters(index = "1", defaultValue = "data/noaa", paramLabel = "DATA")
  Path data;

  @Override
  public Integer call() {
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    try {
      Path file = data.resolve("sfo-nyc-mia-lax-chi-2008-2014.csv.zip");
      Map<String, Long> lines = linesPerStation(file);
      Map<String, String> names =
          stationNames(data.resolve("weather_stations.csv"), lines.keySet());
      long total = lines.values().stream().mapToLong(Long::longValue).sum();
      long start = System.nanoTime();
      if (accounted(api, lines) >= total) {
        System.out.println("The bundled data is loaded already (from an earlier run): reusing it.");
      } else {
        IngestSettings settings = IngestSettings.create(NodeConfig.load());
        Topics.ensure(settings);
        System.out.println("Loading " + file + " into topic " + settings.topic() + "...");
        ReadingsLoader.Summary sent =
            ReadingsLoader.load(List.of(file), settings.kafka(), settings.topic(), System.out);
        System.out.printf(
            "Sent %,d records in %.1f s%n", sent.records(), sent.elapsed().toMillis() / 1e3);
        System.out.println("Recording readings in the Device entities...");
        progress(() -> accounted(api, lines), total, "readings accounted");
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      System.out.println("Waiting for the aggregates projection to catch up...");
      long monthly = 0;
      for (long previous = -1; monthly != previous || monthly == 0; ) {
        previous = monthly;
        Thread.sleep(1500);
        monthly = monthlyCounts(api, lines.keySet());
        System.out.printf("\r  %,d temperature readings in the monthly table", monthly);
      }
      System.out.println();

      long readings = 0;
      long duplicates = 0;
      System.out.printf("%n%-14s %-34s %10s %11s%n", "station", "name", "readings", "duplicates");
      for (String id : lines.keySet()) {
        JsonNode state = get(api + "/devices/" + id);
        readings += state.get("readings").asLong();
        duplicates += state.get("duplicates").asLong();
        System.out.printf(
            "%-14s %-34s %,10d %,11d%n",
            id,
            names.getOrDefault(id, "?"),
            state.get("readings").asLong(),
            state.get("duplicates").asLong());
      }
      System.out.printf(
          "%-14s %-34s %,10d %,11d%n", "total", lines.size() + " stations", readings, duplicates);
      System.out.printf(
          "elapsed %.1f s, %,.0f records/s%n", elapsed, total / Math.max(elapsed, 1e-3));

      String lga = "725030:14732";
      System.out.println("\nExample queries:");
      example(api + "/devices/" + lga);
      example(api + "/devices/" + lga + "/daily?metric=temperature&from=2008-07-01&to=2008-07-03");
      example(api + "/devices/" + lga + "/top?metric=precipitation_1h&year=2012&k=3");
      writeExamples(System.getenv("SQUALL_API_TOKEN"));
      return 0;
    } catch (Exception e) {
      System.err.println("squall demo: " + e.getMessage());
      return 1;
    }
  }

  private interface Count {
    long get() throws Exception;
  }

  private static void progress(Count count, long total, String what) throws Exception {
    long done;
    do {
      Thread.sleep(500);
      done = count.get();
      int filled = (int) (30.0 * Math.min(done, total) / total);
      System.out.printf(
          "\r[%s%s] %,d / %,d %s", "#".repeat(filled), ".".repeat(30 - filled), done, total, what);
    } while (done < total);
    System.out.println();
  }

  private static long accounted(String api, Map<String, Long> lines) throws Exception {
    long sum = 0;
    for (String id : lines.keySet()) {
      JsonNode state = get(api + "/devices/" + id);
      if (state != null) {
        sum += state.get("readings").asLong() + state.get("duplicates").asLong();
      }
    }
    return sum;
  }

  private static long monthlyCounts(String api, Iterable<String> stations) throws Exception {
    long sum = 0;
    for (String id : stations) {
      for (int year = 2008; year <= 2014; year++) {
        JsonNode months = get(api + "/devices/" + id + "/monthly?metric=temperature&year=" + year);
        if (months != null) {
          for (JsonNode month : months) {
            sum += month.get("count").asLong();
          }
        }
      }
    }
    return sum;
  }

  /** How to write and administer with the demo's token; reads need none. */
  private void writeExamples(String token) {
    if (token == null || token.isBlank()) {
      return;
    }
    System.out.println("\nWrites and administration need a token. This demo's, with every scope:");
    System.out.println("\n  export SQUALL_API_TOKEN=" + token);
    System.out.println(
        "  curl -s -X POST -H \"Authorization: Bearer $SQUALL_API_TOKEN\""
            + " -H 'Content-Type: text/csv' \\\n      --data-binary"
            + " '725030:14732,2015,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0' "
            + api
            + "/readings");
    System.out.println(
        "  curl -s -X POST -H \"Authorization: Bearer $SQUALL_API_TOKEN\" "
            + api
            + "/projections/aggregates/rebuild");
    System.out.println(
        "\n  Without the header both answer 401; docs/security.md tells how to issue tokens.");
  }

  private static void example(String uri) throws Exception {
    System.out.println("\n  curl -s '" + uri + "'");
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(uri)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    System.out.println("  " + (body.length() > 600 ? body.substring(0, 600) + " ..." : body));
  }

  private static JsonNode get(String uri) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private static Map<String, Long> linesPerStation(Path zip) throws IOException {
    Map<String, Long> lines = new LinkedHashMap<>();
    try (InputStream raw = Files.newInputStream(zip);
        ZipInputStream in = new ZipInputStream(raw)) {
      in.getNextEntry();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int comma = line.indexOf(',');
        if (comma > 0) {
          lines.merge(line.substring(0, comma), 1L, Long::sum);
        }
      }
    }
    return lines;
  }

  private static Map<String, String> stationNames(Path csv, Iterable<String> ids) {
    Map<String, String> names = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
        String[] c = line.split(",");
        if (c.length > 1) {
          names.putIfAbsent(c[0], c[1]);
        }
      }
    } catch (IOException e) {
      // names are a nicety
    }
    return names;
  }
}
