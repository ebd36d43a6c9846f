package io.squall.persistence.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's package) on loopback, configured as the ServiceMonitor of {@code
 * k8s/monitoring} makes the Prometheus Operator scrape Squall: each node's management port, path
 * {@code /metrics}, job {@code squall-metrics}, each target labelled with its namespace and pod;
 * every second here, with Squall's alert rules loaded. Stopped by {@link #close()}.
 */
public final class PrometheusServer implements AutoCloseable {
  public static final String JOB = "squall-metrics";
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private final Process process;
  private final String url;

  private PrometheusServer(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /**
   * Starts Prometheus in {@code dir} scraping {@code targets} (host:port of management ports, pods
   * squall-0, squall-1, … in that order) and waits until it is ready.
   */
  public static PrometheusServer start(Path dir, List<String> targets) throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      throw new AssertionError(
          "the monitoring tests need Debian's prometheus package"
              + " (apt-get install prometheus; .ci/run installs it)");
    }
    Files.createDirectories(dir);
    StringBuilder config =
        new StringBuilder(
            String.join(
                "\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + LocalInfra.projectDir().resolve("k8s/monitoring/alert-rules.yaml"),
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    metrics_path: /metrics",
                "    static_configs:",
                ""));
    for (int i = 0; i < targets.size(); i++) {
      config.append(
          String.format(
              "      - targets: ['%s']%n        labels: {namespace: squall, pod: squall-%d}%n",
              targets.get(i), i));
    }
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data-" + port),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port);
    try {
      server.await(() -> server.get("/-/ready").statusCode() == 200, "Prometheus became ready");
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The series of an instant query, each {@code {"metric": {…}, "value": [t, "v"]}}. */
  public JsonNode query(String promql) throws Exception {
    HttpResponse<String> answer =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(answer.body());
    if (answer.statusCode() != 200 || !body.path("status").asText().equals("success")) {
      throw new AssertionError(promql + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return body.at("/data/result");
  }

  /** The first series' value of {@code promql}; NaN when it answers none. */
  public double scalar(String promql) throws Exception {
    JsonNode result = query(promql);
    return result.isEmpty() ? Double.NaN : value(result.get(0));
  }

  public static double value(JsonNode series) {
    return Double.parseDouble(series.at("/value/1").asText());
  }

  /** The alerts pending or firing, each with its labels and state. */
  public List<JsonNode> alerts() throws Exception {
    List<JsonNode> alerts = new ArrayList<>();
    JSON.readTree(get("/api/v1/alerts").body()).at("/data/alerts").forEach(alerts::add);
    return alerts;
  }

  /** Whether an alert {@code name} is pending or firing with {@code label} = {@code value}. */
  public boolean alerting(String name, String label, String value) throws Exception {
    return alerts().stream()
        .anyMatch(
            a ->
                a.at("/labels/alertname").asText().equals(name)
                    && a.at("/labels/" + label).asText().equals(value));
  }

  /** A condition polled until it holds. */
  public interface Check {
    boolean holds() throws Exception;
  }

  public void await(Check check, String what) throws Exception {
    await(check, Duration.ofSeconds(90), what);
  }

  public void await(Check check, Duration patience, String what) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!holds(check)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + patience + ": " + what);
      }
      Thread.sleep(500);
    }
  }

  private static boolean holds(Check check) throws Exception {
    try {
      return check.holds();
    } catch (ConnectException notListeningYet) {
      return false;
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
