package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.testing.NoaaFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The dashboard page in a real browser (headless Chromium): a real node with the 2008 SFO file
 * POSTed to it; the page loads with no console error, its July chart holds the API's numbers, and a
 * screenshot is kept at {@code target/dashboard.png}.
 */
class DashboardIT {
  private static final String SFO = "724940:23234";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void shouldChartWhatTheApiAnswersWithoutAnyConsoleError() throws Exception {
    Config config = TestNode.config("it_dashboard");
    ActorTestKit testKit = ActorTestKit.create("DashboardIT", config);
    ChromeDriver browser = null;
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      int port =
          node.http().toCompletableFuture().get(60, TimeUnit.SECONDS).localAddress().getPort();
      String site = "http://127.0.0.1:" + port;
      List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
      for (int from = 0; from < lines.size(); from += 2000) {
        String chunk =
            String.join("\n", lines.subList(from, Math.min(from + 2000, lines.size()))) + "\n";
        HttpResponse<String> response =
            CLIENT.send(
                HttpRequest.newBuilder(URI.create(site + "/api/v1/readings"))
                    .header("Content-Type", "text/csv")
                    .header("Authorization", "Bearer " + TestNode.TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(chunk))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
      }
      String july =
          site
              + "/api/v1/devices/"
              + SFO
              + "/daily?metric=temperature&from=2008-07-01&to=2008-07-31";
      String monthly = site + "/api/v1/devices/" + SFO + "/monthly?metric=temperature&year=2008";
      // December's temperatures in the file (its filler records have none)
      long december =
          NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).stream()
              .filter(
                  r ->
                      r.timestamp().atZone(java.time.ZoneOffset.UTC).getMonthValue() == 12
                          && r.metrics().containsKey("temperature"))
              .count();
      awaitUntil(
          () -> {
            JsonNode months = getJson(monthly);
            return months != null
                && months.size() == 12
                && months.get(11).get("count").asLong() == december;
          },
          "the projection has the whole year");
      JsonNode days = getJson(july);

      browser = browser();
      browser.get(site + "/?devices=" + SFO + "&from=2008-07-01&to=2008-07-31");
      ChromeDriver shown = browser;
      awaitUntil(
          () ->
              (SFO + " 2008-07-01")
                  .equals(shown.findElement(By.tagName("body")).getDomAttribute("data-shown")),
          "the page shows July 2008");
      JavascriptExecutor page = browser;
      List<?> dates =
          (List<?>)
              page.executeScript(
                  "return echarts.getInstanceByDom(document.getElementById('daily'))"
                      + ".getOption().xAxis[0].data");
      assertEquals(31, dates.size());
      for (String figure : List.of("min", "mean", "max")) {
        List<?> charted =
            (List<?>)
                page.executeScript(
                    "return echarts.getInstanceByDom(document.getElementById('daily'))"
                        + ".getOption().series.find(s => s.id === arguments[0]).data",
                    figure);
        for (int i = 0; i < days.size(); i++) {
          assertEquals(days.get(i).get("date").asText(), dates.get(i));
          assertEquals(
              days.get(i).get(figure).asDouble(),
              ((Number) charted.get(i)).doubleValue(),
              1e-9,
              figure + " of " + dates.get(i) + ", charted " + charted);
        }
      }
      assertEquals("", browser.findElement(By.id("error")).getText());
      // the header's figures: all read, nothing left behind or dead-lettered
      awaitUntil(
          () -> !shown.findElement(By.id("rate")).getText().equals("–"), "the ingest rate shows");
      assertEquals("0", browser.findElement(By.id("consumer-lag")).getText());
      assertEquals("0", browser.findElement(By.id("dead-letters")).getText());
      assertEquals("0 events", browser.findElement(By.id("projection-lag")).getText());
      String readings =
          browser.findElement(By.cssSelector("#stations tbody td:nth-child(2)")).getText();
      assertEquals("8,784", readings);

      Path screenshot = Path.of("target", "dashboard.png");
      Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
      List<String> errors = new ArrayList<>();
      for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
        if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
          errors.add(entry.getMessage());
        }
      }
      assertEquals(List.of(), errors, "the browser's console");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      testKit.shutdownTestKit();
    }
  }

  /** Debian's Chromium, headless, through Debian's chromedriver: nothing is downloaded. */
  private static ChromeDriver browser() {
    assertTrue(
        Files.isExecutable(Path.of("/usr/bin/chromium"))
            && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
        "the browser test needs Debian's chromium and chromium-driver"
            + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .build();
    return new ChromeDriver(service, options);
  }

  private static JsonNode getJson(String uri) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(uri)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitUntil(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!check.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(500);
    }
  }
}
