package io.squall.node;

import static io.squall.persistence.testing.PrometheusServer.JOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import io.squall.persistence.testing.PrometheusServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * The monitoring of {@code k8s/monitoring} against a real Prometheus ({@link PrometheusServer}),
 * scraping two nodes: one takes a known load with bad records while reads flow, the other cannot
 * reach Cassandra. Every query of the Grafana dashboard answers series with its legend's labels and
 * plausible values; the dead-letter alert fires, and the not-ready alert goes pending for the node
 * without Cassandra only.
 */
class PrometheusIT {
  private static final String SFO = "724940:23234";
  private static final Set<String> BAD_KINDS = Set.of("malformed", "invalid", "unreadable");

  @Test
  void shouldAnswerEveryDashboardQueryAndAlertOnWhatHappened() throws Exception {
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
              // the next round asks again
            }
          },
          0,
          250,
          TimeUnit.MILLISECONDS);
      // the GC panel has series once a node collected: both nodes run in this JVM, so one
      // collection shows them, however large the heap and short the test
      System.gc();
      try (PrometheusServer prometheus =
          PrometheusServer.start(
              Path.of("target", "prometheus-it").toAbsolutePath(),
              List.of("127.0.0.1:" + loadedPort, "127.0.0.1:" + refusedPort))) {
        // a counter Prometheus first sees at 1 has not increased: it must see the 0 first, as it
        // does on any node that ran before its first dead letter
        prometheus.await(
            () -> prometheus.scalar("count(squall_dead_letters_total{pod=\"squall-0\"} == 0)") == 3,
            "Prometheus scraped the dead-letter counters at 0");
        int sent = send(loaded.getString("squall.ingest.topic"));
        prometheus.await(
            () -> prometheus.scalar("sum(squall_readings_received_total)") == sent,
            "Prometheus saw every record received");
        checkTheDashboard(prometheus);
        checkTheAlerts(prometheus);
        // what the not-ready alert tells an operator to look at
        NodeHttp.awaitStatus(
            "http://127.0.0.1:" + refusedPort + "/ready", 503, body -> body.contains("cassandra"));
      }
    } finally {
      reads.shutdownNow();
      ActorTestKit.shutdown(refusedNode.system(), Duration.ofSeconds(30), false);
      ActorTestKit.shutdown(loadedNode.system(), Duration.ofSeconds(30), true);
    }
  }

  private static void checkTheDashboard(PrometheusServer prometheus) throws Exception {
    List<Panel> dashboard = dashboard();
    // while the load is still within the rates' windows
    assertTrue(
        prometheus.scalar(query(dashboard, "squall_readings_received_total", "received")) > 0,
        "ingest rate while loading");
    assertEquals(3, prometheus.scalar("sum(squall_dead_letters_total)"));
    Set<String> reasons = new HashSet<>();
    prometheus
        .query(query(dashboard, "squall_dead_letters_total", "{{reason}}"))
        .forEach(series -> reasons.add(series.at("/metric/reason").asText()));
    assertEquals(BAD_KINDS, reasons);
    String lag =
        query(dashboard, "kafka_consumer_fetch_manager_records_lag", "{{topic}}-{{partition}}");
    prometheus.await(
        () -> {
          JsonNode partitions = prometheus.query(lag);
          boolean caughtUp = !partitions.isEmpty();
          for (JsonNode partition : partitions) {
            caughtUp &= PrometheusServer.value(partition) == 0;
          }
          return caughtUp;
        },
        "the consumer lag went back to 0 on every partition");

    for (Panel panel : dashboard) {
      JsonNode result = prometheus.query(panel.expr());
      assertFalse(result.isEmpty(), panel + " answered no series");
      boolean number = false;
      for (JsonNode series : result) {
        for (String label : panel.labels()) {
          assertTrue(series.at("/metric").has(label), panel + " lacks " + label + ": " + series);
        }
        double value = PrometheusServer.value(series);
        assertFalse(value < 0 || Double.isInfinite(value), panel + " answered " + series);
        number |= !Double.isNaN(value);
      }
      assertTrue(number, panel + " answered no number: " + result);
    }
  }

  private static void checkTheAlerts(PrometheusServer prometheus) throws Exception {
    prometheus.await(
        () -> prometheus.scalar("sum(squall_node_ready{pod=\"squall-0\"})") == 1,
        "the loaded node is ready");
    assertEquals(0, prometheus.scalar("sum(squall_node_ready{pod=\"squall-1\"})"));
    prometheus.await(
        () -> prometheus.alerting("SquallNodeNotReady", "pod", "squall-1"),
        "the node without Cassandra is alerted as not ready");
    // "for: 1m": the alert fires a minute after the dead letters, still within its 10 min window
    prometheus.await(
        () ->
            prometheus.alerts().stream()
                .anyMatch(
                    a ->
                        a.at("/labels/alertname").asText().equals("SquallDeadLetters")
                            && a.at("/state").asText().equals("firing")),
        Duration.ofSeconds(150),
        "the dead-letter alert fired");
    List<JsonNode> alerts = prometheus.alerts();
    Set<String> firing = new HashSet<>();
    alerts.stream()
        .filter(a -> a.at("/labels/alertname").asText().equals("SquallDeadLetters"))
        .forEach(a -> firing.add(a.at("/labels/reason").asText()));
    assertEquals(BAD_KINDS, firing, alerts.toString());
    assertFalse(
        prometheus.alerting("SquallNodeNotReady", "pod", "squall-0"),
        "the loaded node is ready: " + alerts);
  }

  /** A dashboard panel's query, with Grafana's variables as "All" sets them. */
  private record Panel(String title, String legend, String expr, List<String> labels) {}

  private static List<Panel> dashboard() throws Exception {
    JsonNode dashboard =
        NodeHttp.JSON.readTree(
            LocalInfra.projectDir().resolve("k8s/monitoring/grafana-dashboard.json").toFile());
    List<Panel> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String legend = target.path("legendFormat").asText();
        List<String> labels = new ArrayList<>();
        Matcher label = Pattern.compile("\\{\\{(\\w+)}}").matcher(legend);
        while (label.find()) {
          labels.add(label.group(1));
        }
        panels.add(
            new Panel(
                panel.get("title").asText(),
                legend,
                target.get("expr").asText().replace("$job", JOB).replace("$instance", ".*"),
                labels));
      }
    }
    assertTrue(panels.size() >= 20, "the dashboard's queries: " + panels);
    return panels;
  }

  /** The dashboard's query of {@code series} drawn with {@code legend}. */
  private static String query(List<Panel> dashboard, String series, String legend) {
    return dashboard.stream()
        .filter(p -> p.expr().contains(series + "{") && p.legend().equals(legend))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the dashboard has no query of " + series))
        .expr();
  }

  /** The bundled SFO file, then one record of each bad kind; the number of records sent. */
  private static int send(String topic) {
    List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
    List<byte[]> bad = MetricsIT.BAD_RECORDS;
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
