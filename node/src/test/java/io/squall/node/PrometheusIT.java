package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
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
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The monitoring of {@code k8s/monitoring} against a real Prometheus (Debian's): it scrapes two
 * nodes as the ServiceMonitor would (job {@code squall-metrics}, each target labelled with its
 * namespace and pod) and evaluates Squall's alert rules, while one node takes a known load with bad
 * records and the other cannot reach Cassandra. Every query of the Grafana dashboard answers series
 * with its legend's labels and plausible values; the dead-letter alert fires, the not-ready alert
 * goes pending for the node without Cassandra only.
 */
class PrometheusIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final String JOB = "squall-metrics";
  private static final String SFO = "724940:23234";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void shouldAnswerEveryDashboardQueryAndFireTheAlertsOfWhatHappened() throws Exception {
    assertTrue(
        Files.isExecutable(PROMETHEUS),
        "the monitoring test needs Debian's prometheus package"
            + " (apt-get install prometheus; .ci/run installs it)");
    int loadedPort = freePort();
    int refusedPort = freePort();
    Config loaded = nodeConfig("it_prometheus", loadedPort);
    Config noCassandra =
        nodeConfig(
            "it_prometheus_down",
            refusedPort,
            "datastax-java-driver.basic.contact-points = [\"127.0.0.1:1\"]");
    ActorTestKit loadedNode = ActorTestKit.create("PrometheusIT", loaded);
    ActorTestKit refusedNode = ActorTestKit.create("PrometheusDownIT", noCassandra);
    Process prometheus = null;
    ScheduledExecutorService reads = Executors.newSingleThreadScheduledExecutor();
    try {
      Main.Node node = Main.init(loadedNode.system(), NodeSettings.create(loaded));
      Main.init(refusedNode.system(), NodeSettings.create(noCassandra));
      String api = NodeHttp.api(node);
      node.ingestion().toCompletableFuture().get(120, TimeUnit.SECONDS);
      // reads flow all along, so the request panels have rates
      reads.scheduleWithFixedDelay(
          () -> {
            try {
              NodeHttp.get(api + "/devices/" + SFO);
              NodeHttp.get(
                  api
                      + "/devices/"
                      + SFO
                      + "/daily?metric=temperature&from=2008-07-01&to=2008-07-31");
            } catch (Exception e) {
              // the node answers again at the next round
            }
          },
          0,
          250,
          TimeUnit.MILLISECONDS);
      int webPort = freePort();
      prometheus = startPrometheus(webPort, loadedPort, refusedPort);
      String server = "http://127.0.0.1:" + webPort;
      awaitTrue(() -> get(server + "/-/ready").statusCode() == 200, "Prometheus became ready");

      int sent = send(loaded.getString("squall.ingest.topic"));
      awaitTrue(
          () -> scalar(server, "sum(squall_readings_received_total{job=\"" + JOB + "\"})") == sent,
          "Prometheus saw every record received");
      // while the load is still within the rates' windows
      assertTrue(
          scalar(server, dashboardQuery("squall_readings_received_total", "received")) > 0,
          "ingest rate while loading");
      assertEquals(3, scalar(server, "sum(squall_dead_letters_total{job=\"" + JOB + "\"})"));
      Set<String> reasons = new HashSet<>();
      for (JsonNode series :
          query(server, dashboardQuery("squall_dead_letters_total", "{{reason}}"))) {
        reasons.add(series.at("/metric/reason").asText());
      }
      assertEquals(Set.of("malformed", "invalid", "unreadable"), reasons);
      awaitTrue(
          () ->
              allZero(
                  query(
                      server,
                      dashboardQuery(
                          "kafka_consumer_fetch_manager_records_lag", "{{topic}}-{{partition}}"))),
          "the consumer lag went back to 0 on every partition");

      for (Panel panel : dashboard()) {
        JsonNode result = query(server, panel.expr());
        assertTrue(result.size() > 0, panel + " answered no series");
        for (String label : panel.labels()) {
          for (JsonNode series : result) {
            assertTrue(series.at("/metric").has(label), panel + " lacks " + label + ": " + series);
          }
        }
        boolean finite = false;
        for (JsonNode series : result) {
          double value = Double.parseDouble(series.at("/value/1").asText());
          assertFalse(value < 0 || Double.isInfinite(value), panel + " answered " + series);
          finite |= !Double.isNaN(value);
        }
        assertTrue(finite, panel + " answered no number: " + result);
      }

      assertEquals(1, scalar(server, "sum(squall_node_ready{pod=\"squall-0\"})"));
      assertEquals(0, scalar(server, "sum(squall_node_ready{pod=\"squall-1\"})"));
      awaitTrue(
          () ->
              alerts(server).stream()
                  .anyMatch(
                      a ->
                          a.at("/labels/alertname").asText().equals("SquallNodeNotReady")
                              && a.at("/labels/pod").asText().equals("squall-1")),
          "the node without Cassandra is alerted as not ready");
      // its "for:" is a minute: the alert fires after one, while the dead letters are recent
      awaitTrue(
          () ->
              alerts(server).stream()
                  .anyMatch(
                      a ->
                          a.at("/labels/alertname").asText().equals("SquallDeadLetters")
                              && a.at("/state").asText().equals("firing")),
          Duration.ofSeconds(150),
          "the dead-letter alert fired");
      List<JsonNode> alerts = alerts(server);
      assertFalse(
          alerts.stream()
              .anyMatch(
                  a ->
                      a.at("/labels/pod").asText().equals("squall-0")
                          && a.at("/labels/alertname").asText().equals("SquallNodeNotReady")),
          "the loaded node is ready: " + alerts);
      Set<String> firing = new HashSet<>();
      alerts.stream()
          .filter(a -> a.at("/labels/alertname").asText().equals("SquallDeadLetters"))
          .forEach(a -> firing.add(a.at("/labels/reason").asText()));
      assertEquals(Set.of("malformed", "invalid", "unreadable"), firing, alerts.toString());
    } finally {
      reads.shutdownNow();
      if (prometheus != null) {
        prometheus.destroy();
        if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
      ActorTestKit.shutdown(refusedNode.system(), Duration.ofSeconds(30), false);
      ActorTestKit.shutdown(loadedNode.system(), Duration.ofSeconds(30), true);
    }
  }

  /** A dashboard panel's query, with Grafana's variables as "All" sets them. */
  private record Panel(String title, String expr, List<String> labels) {}

  private static List<Panel> dashboard() throws Exception {
    JsonNode dashboard =
        NodeHttp.JSON.readTree(
            LocalInfra.projectDir().resolve("k8s/monitoring/grafana-dashboard.json").toFile());
    List<Panel> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        List<String> labels = new ArrayList<>();
        Matcher label =
            Pattern.compile("\\{\\{(\\w+)}}").matcher(target.path("legendFormat").asText());
        while (label.find()) {
          labels.add(label.group(1));
        }
        panels.add(
            new Panel(
                panel.get("title").asText() + " / " + target.path("legendFormat").asText(),
                target.get("expr").asText().replace("$job", JOB).replace("$instance", ".*"),
                labels));
      }
    }
    assertTrue(panels.size() >= 20, "the dashboard's queries: " + panels.size());
    return panels;
  }

  /** The dashboard's query of {@code series} whose legend is {@code legend}. */
  private static String dashboardQuery(String series, String legend) throws Exception {
    return dashboard().stream()
        .filter(p -> p.expr().contains(series + "{") && p.title().endsWith(" / " + legend))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the dashboard has no query of " + series))
        .expr();
  }

  /**
   * Prometheus as the ServiceMonitor configures it: each node's management port, path /metrics, job
   * squall-metrics, with namespace and pod labels; every second here, and Squall's rules.
   */
  private static Process startPrometheus(int webPort, int... managementPorts) throws Exception {
    Path dir = Path.of("target", "prometheus-it").toAbsolutePath();
    Files.createDirectories(dir);
    StringBuilder targets = new StringBuilder();
    for (int i = 0; i < managementPorts.length; i++) {
      targets.append(
          String.format(
              "      - targets: ['127.0.0.1:%d']%n        labels: {namespace: squall, pod: squall-%d}%n",
              managementPorts[i], i));
    }
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
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
                "")
            + targets);
    Path data = dir.resolve("data-" + webPort);
    return new ProcessBuilder(
            PROMETHEUS.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + data,
            "--web.listen-address=127.0.0.1:" + webPort)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
  }

  /** The bundled SFO file, and one record of each bad kind; the number of records sent. */
  private static int send(String topic) {
    List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
    List<byte[]> bad =
        List.of(
            "724940:23234,2008,01,01,24,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
                .getBytes(StandardCharsets.UTF_8),
            "bad id,2008,01,01,05,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
                .getBytes(StandardCharsets.UTF_8),
            new byte[] {'7', '2', '5', (byte) 0xFF, (byte) 0xFE, ',', '2', '0', '0', '8'});
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (String line : lines) {
        producer.send(new ProducerRecord<>(topic, SFO, line.getBytes(StandardCharsets.UTF_8)));
      }
      for (byte[] record : bad) {
        producer.send(new ProducerRecord<>(topic, SFO, record));
      }
      producer.flush();
    }
    return lines.size() + bad.size();
  }

  private static JsonNode query(String server, String promql) throws Exception {
    HttpResponse<String> answer =
        get(server + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertEquals(200, answer.statusCode(), promql + ": " + answer.body());
    JsonNode body = NodeHttp.JSON.readTree(answer.body());
    assertEquals("success", body.get("status").asText(), answer.body());
    return body.at("/data/result");
  }

  private static double scalar(String server, String promql) throws Exception {
    JsonNode result = query(server, promql);
    return result.size() == 0
        ? Double.NaN
        : Double.parseDouble(result.get(0).at("/value/1").asText());
  }

  private static boolean allZero(JsonNode result) {
    if (result.size() == 0) {
      return false;
    }
    for (JsonNode series : result) {
      if (Double.parseDouble(series.at("/value/1").asText()) != 0) {
        return false;
      }
    }
    return true;
  }

  private static List<JsonNode> alerts(String server) throws Exception {
    JsonNode body = NodeHttp.JSON.readTree(get(server + "/api/v1/alerts").body());
    List<JsonNode> alerts = new ArrayList<>();
    body.at("/data/alerts").forEach(alerts::add);
    return alerts;
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  private static void awaitTrue(Check check, String what) throws Exception {
    awaitTrue(check, Duration.ofSeconds(90), what);
  }

  private static void awaitTrue(Check check, Duration patience, String what) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!holds(check)) {
      assertTrue(System.nanoTime() < deadline, "within " + patience + ": " + what);
      Thread.sleep(500);
    }
  }

  /** Whether {@code check} holds; not yet while Prometheus does not listen. */
  private static boolean holds(Check check) throws Exception {
    try {
      return check.holds();
    } catch (java.net.ConnectException notListening) {
      return false;
    }
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Config nodeConfig(String name, int managementPort, String... more) {
    List<String> settings = new ArrayList<>(List.of(more));
    settings.add("squall.http.health-timeout = 2s");
    settings.add("squall.cluster.management = on");
    settings.add("akka.management.http.hostname = 127.0.0.1");
    settings.add("akka.management.http.port = " + managementPort);
    return TestNode.config(name, settings.toArray(String[]::new));
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
