package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
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
 * A real node's {@code /metrics} after a known load: the 2008 SFO file sent twice by a plain Kafka
 * producer, with bad records of each kind, then scraped as Prometheus would.
 */
class MetricsIT {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String SFO = "724940:23234";

  /** One record of each kind the consumer dead-letters: invalid, malformed, unreadable. */
  static final List<byte[]> BAD_RECORDS =
      List.of(
          "724940:23234,2008,01,01,24,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
              .getBytes(StandardCharsets.UTF_8),
          "bad id,2008,01,01,05,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0".getBytes(StandardCharsets.UTF_8),
          new byte[] {'7', '2', '5', (byte) 0xFF, (byte) 0xFE, ',', '2', '0', '0', '8'});

  @Test
  void shouldExportWhatTheConsumerCountedOfAKnownLoad() throws Exception {
    int managementPort;
    try (ServerSocket free = new ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    Config config =
        TestNode.config(
            "it_metrics",
            "squall.cluster.management = on",
            "akka.management.http.port = " + managementPort);
    ActorTestKit testKit = ActorTestKit.create("MetricsIT", config);
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      int httpPort =
          node.http().toCompletableFuture().get(60, TimeUnit.SECONDS).localAddress().getPort();
      node.ingestion().toCompletableFuture().get(120, TimeUnit.SECONDS);
      String metrics = "http://127.0.0.1:" + managementPort + "/metrics";

      List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
      List<byte[]> bad = BAD_RECORDS;
      String topic = config.getString("squall.ingest.topic");
      try (KafkaProducer<String, byte[]> producer = producer()) {
        for (int copy = 0; copy < 2; copy++) {
          for (String line : lines) {
            producer.send(new ProducerRecord<>(topic, SFO, line.getBytes(StandardCharsets.UTF_8)));
          }
        }
        for (byte[] record : bad) {
          producer.send(new ProducerRecord<>(topic, SFO, record));
        }
        producer.flush();
      }

      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      String scrape = scrape(metrics);
      while (value(scrape, "squall_readings_received_total", "") < 2 * lines.size() + bad.size()
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
        scrape = scrape(metrics);
      }
      assertEquals(
          2.0 * lines.size() + bad.size(), value(scrape, "squall_readings_received_total", ""));
      assertEquals(8_784, value(scrape, "squall_readings_recorded_total", ""));
      assertEquals(8_784, value(scrape, "squall_readings_duplicates_total", ""));
      assertEquals(0, value(scrape, "squall_readings_redelivered_total", ""));
      assertEquals(1, value(scrape, "squall_dead_letters_total", "reason=\"malformed\""));
      assertEquals(1, value(scrape, "squall_dead_letters_total", "reason=\"invalid\""));
      assertEquals(1, value(scrape, "squall_dead_letters_total", "reason=\"unreadable\""));
      assertTrue(value(scrape, "squall_consumer_batch_seconds_count", "") > 0, scrape);
      assertTrue(value(scrape, "squall_device_ask_seconds_count", "") > 0, scrape);

      // requests by route template (never the device id) and status
      assertEquals(
          200, get("http://127.0.0.1:" + httpPort + "/api/v1/devices/" + SFO).statusCode());
      assertEquals(404, get("http://127.0.0.1:" + httpPort + "/api/v1/no-such-route").statusCode());

      // management is read-only: nobody can make this node leave (or join another) over HTTP
      String self =
          URLEncoder.encode(
              Cluster.get(testKit.system()).selfMember().address().toString(),
              StandardCharsets.UTF_8);
      HttpResponse<String> leave =
          CLIENT.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + managementPort + "/cluster/members/" + self))
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, leave.statusCode(), leave.body());
      assertEquals(MemberStatus.up(), Cluster.get(testKit.system()).selfMember().status());
      String served = scrape(metrics);
      // kept for people (and dashboard authors) to look at
      Files.writeString(Path.of("target", "metrics-scrape.txt"), served);
      assertEquals(
          1,
          value(
              served,
              "http_server_requests_seconds_count",
              "method=\"GET\",route=\"/api/v1/devices/{id}\",status=\"200\""));
      assertEquals(
          1,
          value(
              served,
              "http_server_requests_seconds_count",
              "method=\"GET\",route=\"other\",status=\"404\""));

      // the projection, the driver, the Kafka client and the JVM report too
      awaitValue(metrics, "squall_projection_events_total", 1);
      awaitValue(metrics, "squall_devices_live", 1);
      // the Kafka client adds a partition's lag once it fetched; Squall binds new ones every 10 s
      awaitSeries(metrics, "kafka_consumer_fetch_manager_records_lag");
      // the GC series appear with the JVM's first collection, which a short test may not reach
      // on its own: the node runs in this JVM, so one collection here shows them
      System.gc();
      awaitSeries(metrics, "jvm_gc_pause_seconds_sum");
      String all = scrape(metrics);
      assertTrue(value(all, "cassandra_session_cql_requests_seconds_count", "") > 0, all);
      assertTrue(all.contains("kafka_consumer_fetch_manager_records_consumed_total"), all);
      assertTrue(value(all, "jvm_memory_used_bytes", "") > 0, all);

      // squall status, as an operator's script reads it: healthy, then Kafka out of reach
      String[] status = {
        "status",
        "--url=http://127.0.0.1:" + httpPort + "/api/v1",
        "--management=http://127.0.0.1:" + managementPort,
        "--group=" + config.getString("squall.ingest.group-id"),
        "-o",
        "json"
      };
      Ran healthy = run(status, "--bootstrap-server=" + LocalInfra.kafkaBootstrapServers());
      assertEquals(0, healthy.code(), healthy.out());
      assertTrue(healthy.json().get("healthy").asBoolean(), healthy.out());
      assertEquals("Up", healthy.json().at("/cluster/members/0/status").asText(), healthy.out());
      assertEquals(0, healthy.json().at("/cluster/unreachable").size());
      assertEquals(0, healthy.json().at("/consumer/lagRecords").asLong(), healthy.out());
      assertTrue(healthy.json().at("/consumer/partitions").asInt() > 0, healthy.out());
      Ran noKafka = run(status, "--bootstrap-server=127.0.0.1:1");
      assertEquals(1, noKafka.code(), noKafka.out());
      assertFalse(noKafka.json().get("healthy").asBoolean());
      assertTrue(
          noKafka
              .json()
              .at("/consumer/error")
              .asText()
              .startsWith("Kafka at 127.0.0.1:1 did not answer ("),
          noKafka.out());
      assertFalse(noKafka.json().at("/consumer/error").asText().contains("null"), noKafka.out());

      // every series the Grafana dashboard queries is one the node exports
      String dashboard =
          Files.readString(
              LocalInfra.projectDir().resolve("k8s/monitoring/grafana-dashboard.json"));
      Matcher queried =
          Pattern.compile("\\b(?:squall|http|kafka|cassandra|jvm|process|system)_[a-z0-9_]+")
              .matcher(dashboard);
      while (queried.find()) {
        String series = queried.group();
        assertTrue(
            exports(all, series), "the dashboard queries " + series + ", which /metrics lacks");
      }
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private record Ran(int code, String out) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  private static Ran run(String[] command, String... more) {
    StringWriter out = new StringWriter();
    String[] args =
        java.util.stream.Stream.concat(Arrays.stream(command), Arrays.stream(more))
            .toArray(String[]::new);
    int code = Cli.commandLine().setOut(new PrintWriter(out)).execute(args);
    return new Ran(code, out.toString());
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers());
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(uri)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String scrape(String uri) throws Exception {
    HttpResponse<String> response = get(uri);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }

  /** Waits until the sum of {@code name}'s series is at least {@code atLeast}. */
  private static void awaitValue(String uri, String name, double atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (value(scrape(uri), name, "") < atLeast) {
      assertTrue(System.nanoTime() < deadline, name + " stayed below " + atLeast);
      Thread.sleep(500);
    }
  }

  private static void awaitSeries(String uri, String name) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!exports(scrape(uri), name)) {
      assertTrue(System.nanoTime() < deadline, name + " never appeared");
      Thread.sleep(500);
    }
  }

  private static boolean exports(String scrape, String name) {
    return Pattern.compile("(?m)^" + Pattern.quote(name) + "[{ ]").matcher(scrape).find();
  }

  /** The sum of the samples of {@code name} whose labels contain {@code labels}; 0 if none. */
  static double value(String scrape, String name, String labels) {
    Matcher sample =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{.*})? (\\S+)$").matcher(scrape);
    double sum = 0;
    while (sample.find()) {
      String found = sample.group(1) == null ? "" : sample.group(1);
      if (found.contains(labels)) {
        sum += Double.parseDouble(sample.group(2));
      }
    }
    return sum;
  }
}
