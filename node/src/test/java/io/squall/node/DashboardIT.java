package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import io.squall.persistence.testing.NoaaFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
 * screenshot is kept at {@code target/dashboard.png}. With reads closed, the page asks for a token
 * and charts the same once one is applied.
 */
class DashboardIT {
  private static final String SFO = "724940:23234";
  private static final String JULY = "/?devices=" + SFO + "&from=2008-07-01&to=2008-07-31";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void shouldChartWhatTheApiAnswersWithoutAnyConsoleError() throws Exception {
    Config config = TestNode.config("it_dashboard");
    ActorTestKit testKit = ActorTestKit.create("DashboardIT", config);
    ChromeDriver browser = null;
    try {
      String site = startWithSfo(testKit, config, TestNode.TOKEN, TestNode.TOKEN);
      browser = browser();
      browser.get(site + JULY);
      assertChartsJuly(browser, site, TestNode.TOKEN);
      assertEquals("", browser.findElement(By.id("token-status")).getText());

      Files.write(Path.of("target", "dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
      assertEquals(
          List.of(),
          consoleErrors(browser.manage().logs().get(LogType.BROWSER).getAll(), entry -> false),
          "the browser's console");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      testKit.shutdownTestKit();
    }
  }

  /** As {@code SQUALL_API_OPEN_READS=false} does, with a read token and a write-only one. */
  @Test
  void shouldAskForATokenAndChartWithItWhenReadsAreClosed() throws Exception {
    String reader = ApiTokens.newToken();
    String writer = ApiTokens.newToken();
    Path tokens = Files.createTempFile("squall-dashboard-tokens", "");
    Files.writeString(
        tokens,
        ApiTokens.line(reader, EnumSet.of(Scope.READ), "page")
            + "\n"
            + ApiTokens.line(writer, EnumSet.of(Scope.WRITE), "loader")
            + "\n");
    Config config =
        TestNode.config(
            "it_dashboard_closed",
            "squall.http.auth.open-reads = false",
            "squall.http.auth.tokens-file = \"" + tokens + "\"");
    ActorTestKit testKit = ActorTestKit.create("DashboardIT", config);
    ChromeDriver browser = null;
    try {
      String site = startWithSfo(testKit, config, writer, reader);
      assertEquals(401, get(site + "/api/v1/devices/" + SFO, null).statusCode());
      browser = browser();
      browser.get(site + JULY);
      ChromeDriver page = browser;
      awaitUntil(
          () ->
              page.findElement(By.id("token-status"))
                  .getText()
                  .equals("Token needed: this node's reads need an API token"),
          "the page asks for a token");
      awaitUntil(
          () ->
              page.findElement(By.cssSelector("#stations tbody td:nth-child(2)"))
                  .getText()
                  .equals("–"),
          "the station's readings show as unknown");
      assertNull(browser.findElement(By.tagName("body")).getDomAttribute("data-shown"));
      assertEquals("", browser.findElement(By.id("error")).getText());
      Files.write(
          Path.of("target", "dashboard-token-needed.png"),
          browser.getScreenshotAs(OutputType.BYTES));

      applyToken(browser, writer);
      awaitUntil(
          () ->
              page.findElement(By.id("token-status"))
                  .getText()
                  .startsWith("Token lacks the read scope"),
          "the page tells a write token cannot read");

      applyToken(browser, reader);
      assertChartsJuly(browser, site, reader);
      assertEquals("token applied", browser.findElement(By.id("token-status")).getText());
      assertEquals("", browser.findElement(By.id("token")).getDomProperty("value"));
      assertEquals(
          reader, browser.executeScript("return sessionStorage.getItem('squall.api-token')"));
      assertEquals(0L, browser.executeScript("return localStorage.length"));
      assertEquals(site + JULY, browser.getCurrentUrl());
      assertFalse(browser.getCurrentUrl().contains(reader));

      // Chromium logs each refused fetch as a network error of its own ("Failed to load
      // resource: ... status of 401"): those are the answers this test asks for, nothing else is
      // read once: reading the browser's log empties it
      List<LogEntry> logged = browser.manage().logs().get(LogType.BROWSER).getAll();
      List<String> console =
          consoleErrors(
              logged,
              entry ->
                  entry.startsWith(site + "/api/v1/")
                      && (entry.contains("status of 401 (Unauthorized)")
                          || entry.contains("status of 403 (Forbidden)")));
      assertEquals(List.of(), console, "the browser's console");
      for (LogEntry entry : logged) {
        assertFalse(
            entry.getMessage().contains(reader) || entry.getMessage().contains(writer),
            "a token in the console: " + entry.getLevel());
      }
    } finally {
      if (browser != null) {
        browser.quit();
      }
      testKit.shutdownTestKit();
      Files.deleteIfExists(tokens);
    }
  }

  /** The node of {@code config} with the SFO file POSTed and projected; its address. */
  private static String startWithSfo(
      ActorTestKit testKit, Config config, String writer, String reader) throws Exception {
    Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
    int port = node.http().toCompletableFuture().get(60, TimeUnit.SECONDS).localAddress().getPort();
    // as a client of a ready node: its topics exist and have leaders
    node.ingestion().toCompletableFuture().get(120, TimeUnit.SECONDS);
    String site = "http://127.0.0.1:" + port;
    List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
    for (int from = 0; from < lines.size(); from += 2000) {
      String chunk =
          String.join("\n", lines.subList(from, Math.min(from + 2000, lines.size()))) + "\n";
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(site + "/api/v1/readings"))
                  .header("Content-Type", "text/csv")
                  .header("Authorization", "Bearer " + writer)
                  .POST(HttpRequest.BodyPublishers.ofString(chunk))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(202, response.statusCode(), response.body());
    }
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
          JsonNode months = getJson(monthly, reader);
          return months != null
              && months.size() == 12
              && months.get(11).get("count").asLong() == december;
        },
        "the projection has the whole year");
    return site;
  }

  /** The page shows July 2008 as the API answers it, and the header's figures of the whole file. */
  private static void assertChartsJuly(ChromeDriver browser, String site, String reader)
      throws Exception {
    awaitUntil(
        () -> {
          assertEquals("", browser.findElement(By.id("error")).getText(), "the page's error");
          return (SFO + " 2008-07-01")
              .equals(browser.findElement(By.tagName("body")).getDomAttribute("data-shown"));
        },
        "the page shows July 2008");
    JsonNode days =
        getJson(
            site
                + "/api/v1/devices/"
                + SFO
                + "/daily?metric=temperature&from=2008-07-01&to=2008-07-31",
            reader);
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
        () -> !browser.findElement(By.id("rate")).getText().equals("–"), "the ingest rate shows");
    assertEquals("0", browser.findElement(By.id("consumer-lag")).getText());
    assertEquals("0", browser.findElement(By.id("dead-letters")).getText());
    assertEquals("0 events", browser.findElement(By.id("projection-lag")).getText());
    String readings =
        browser.findElement(By.cssSelector("#stations tbody td:nth-child(2)")).getText();
    assertEquals("8,784", readings);
  }

  private static void applyToken(ChromeDriver browser, String token) {
    browser.findElement(By.id("token")).sendKeys(token);
    browser.findElement(By.cssSelector("#auth button[type=submit]")).click();
  }

  /** The console's warnings and errors, but those {@code expected}. */
  private static List<String> consoleErrors(List<LogEntry> logged, Predicate<String> expected) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : logged) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()
          && !expected.test(entry.getMessage())) {
        errors.add(entry.getMessage());
      }
    }
    return errors;
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

  /** The JSON of a 200 answer to {@code uri}, else null. */
  private static JsonNode getJson(String uri, String token) throws Exception {
    HttpResponse<String> response = get(uri, token);
    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
  }

  /** {@code uri}'s answer, with {@code token} unless it is null. */
  private static HttpResponse<String> get(String uri, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
