package io.squall.node;

import static io.squall.node.NodeHttp.api;
import static io.squall.node.NodeHttp.await;
import static io.squall.node.NodeHttp.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node whose Kafka clients go through the build's SSL listener, which demands a client
 * certificate ({@code bin/infra --kafka-tls}): with the local CA trusted and Squall's certificate
 * given, readings go in and are recorded, {@code squall load} configured by variables alone
 * included; a node that does not trust the brokers' CA, or shows no certificate, says so in its
 * health.
 */
class KafkaTlsIT {
  private static final String SFO = "724940:23234";
  private static final String TLS = LocalInfra.kafkaTlsBootstrapServers();

  @Test
  void shouldIngestThroughTheTlsListenerShowingSquallsCertificate() throws Exception {
    Config config = config("it_kafka_tls", true, true);
    NodeSettings settings = NodeSettings.create(config);
    ActorTestKit testKit = ActorTestKit.create("KafkaTlsIT", config);
    try {
      String api = api(Main.init(testKit.system(), settings));
      Path file = Files.createTempFile("tls", ".csv");
      Files.write(file, NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 24));
      TestNode.Ran load = load(file, settings.ingest().topic());
      Files.delete(file);
      assertEquals(0, load.exitCode(), load.err());
      assertTrue(load.out().contains("Loaded 24 records"), load.out());

      JsonNode device = await(api + "/devices/" + SFO, body -> body.get("readings").asLong() == 24);
      assertEquals(24, device.get("readings").asLong(), device.toString());
      JsonNode health = await(api + "/health", body -> body.get("status").asText().equals("UP"));
      assertTrue(
          health.get("checks").get(0).get("detail").asText().contains("broker(s) at " + TLS),
          health.toString());
    } finally {
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  @Test
  void shouldSayItDoesNotTrustTheBrokersCertificateWithoutTheirCa() throws Exception {
    String detail = healthDetail(config("it_kafka_tls_ca", false, true));
    assertTrue(
        detail.startsWith(
            "kafka is unavailable: Squall does not trust the TLS certificate of Kafka at " + TLS),
        detail);
    assertTrue(detail.endsWith("its CA must be in SQUALL_KAFKA_TRUSTSTORE"), detail);
  }

  @Test
  void shouldSayTheBrokerRefusedItWithoutACertificate() throws Exception {
    String detail = healthDetail(config("it_kafka_tls_cert", true, false));
    assertTrue(
        detail.startsWith(
            "kafka is unavailable: Kafka at " + TLS + " refused Squall's TLS certificate"),
        detail);
    assertTrue(detail.contains("SQUALL_KAFKA_KEYSTORE"), detail);
  }

  private static String healthDetail(Config config) throws Exception {
    ActorTestKit testKit = ActorTestKit.create("KafkaTlsRefusedIT", config);
    try {
      String api = api(Main.init(testKit.system(), NodeSettings.create(config)));
      return NodeHttp.JSON
          .readTree(awaitStatus(api + "/health", 503).body())
          .get("detail")
          .asText();
    } finally {
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  private static Config config(String name, boolean trustTheCa, boolean showACertificate) {
    Path tls = LocalInfra.tlsDir();
    List<String> settings = new ArrayList<>();
    settings.add("squall.http.health-timeout = 3s");
    settings.add("squall.kafka.bootstrap-servers = \"" + TLS + "\"");
    settings.add("squall.kafka.client.security.protocol = SSL");
    if (trustTheCa) {
      settings.add(
          "squall.kafka.client.ssl.truststore.location = \""
              + tls.resolve("truststore.p12")
              + "\"");
      settings.add("squall.kafka.client.ssl.truststore.password = squall-tls");
      settings.add("squall.kafka.client.ssl.truststore.type = PKCS12");
    }
    if (showACertificate) {
      settings.add(
          "squall.kafka.client.ssl.keystore.location = \"" + tls.resolve("client.p12") + "\"");
      settings.add("squall.kafka.client.ssl.keystore.password = squall-tls");
      settings.add("squall.kafka.client.ssl.keystore.type = PKCS12");
    }
    return TestNode.config(name, settings.toArray(String[]::new));
  }

  /** {@code squall load} as its own process, its TLS set by the environment as a user would. */
  private static TestNode.Ran load(Path file, String topic) throws Exception {
    Path tls = LocalInfra.tlsDir();
    return TestNode.run(
        env -> {
          env.put("SQUALL_KAFKA_BOOTSTRAP_SERVERS", TLS);
          env.put("SQUALL_KAFKA_SECURITY_PROTOCOL", "SSL");
          env.put("SQUALL_KAFKA_TRUSTSTORE", tls.resolve("truststore.p12").toString());
          env.put("SQUALL_KAFKA_TRUSTSTORE_PASSWORD", "squall-tls");
          env.put("SQUALL_KAFKA_TRUSTSTORE_TYPE", "PKCS12");
          env.put("SQUALL_KAFKA_KEYSTORE", tls.resolve("client.p12").toString());
          env.put("SQUALL_KAFKA_KEYSTORE_PASSWORD", "squall-tls");
          env.put("SQUALL_KAFKA_KEYSTORE_TYPE", "PKCS12");
        },
        "load",
        "--topic",
        topic,
        file.toString());
  }
}
