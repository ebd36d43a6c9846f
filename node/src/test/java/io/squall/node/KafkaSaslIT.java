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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node whose every Kafka client goes through the build's SASL_PLAINTEXT listener: with the right
 * credentials readings go in (HTTP, {@code squall load}'s loader) and are recorded; with a wrong
 * password its health names Kafka refusing its credentials.
 */
class KafkaSaslIT {
  private static final String SFO = "724940:23234";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Test
  void shouldIngestThroughTheSaslListenerWithTheRightCredentials() throws Exception {
    Config config = config("it_sasl", "squall-secret");
    NodeSettings settings = NodeSettings.create(config);
    ActorTestKit testKit = ActorTestKit.create("KafkaSaslIT", config);
    try {
      String api = api(Main.init(testKit.system(), settings));
      List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 48);

      HttpResponse<String> posted =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(api + "/readings"))
                  .header("Content-Type", "text/csv")
                  .header("Authorization", "Bearer " + TestNode.TOKEN)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(String.join("\n", lines.subList(0, 24))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(202, posted.statusCode(), posted.body());
      Path file = Files.createTempFile("sasl", ".csv");
      Files.write(file, lines.subList(24, 48));
      ReadingsLoader.Summary loaded =
          ReadingsLoader.load(
              List.of(file), settings.ingest().kafka(), settings.ingest().topic(), null);
      Files.delete(file);
      assertEquals(24, loaded.records());

      JsonNode device = await(api + "/devices/" + SFO, body -> body.get("readings").asLong() == 48);
      assertEquals(48, device.get("readings").asLong(), device.toString());
      JsonNode health = await(api + "/health", body -> body.get("status").asText().equals("UP"));
      assertTrue(
          health.get("checks").get(0).get("detail").asText().contains("broker"), health.toString());
    } finally {
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  @Test
  void shouldAnswer503NamingKafkaAndAuthenticationWithAWrongPassword() throws Exception {
    Config config = config("it_sasl_wrong", "not-the-password");
    ActorTestKit testKit = ActorTestKit.create("KafkaSaslWrongIT", config);
    try {
      String api = api(Main.init(testKit.system(), NodeSettings.create(config)));
      HttpResponse<String> answer = awaitStatus(api + "/health", 503);
      JsonNode body = NodeHttp.JSON.readTree(answer.body());
      assertEquals("DOWN", body.get("status").asText());
      String detail = body.get("detail").asText();
      assertTrue(
          detail.startsWith(
              "kafka is unavailable: Kafka at "
                  + LocalInfra.kafkaSaslBootstrapServers()
                  + " refused Squall's credentials (authentication failed"),
          detail);
      assertTrue(!answer.body().contains("not-the-password"), "the password is never shown");
    } finally {
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  private static Config config(String name, String password) {
    return TestNode.config(
        name,
        "squall.http.health-timeout = 2s",
        "squall.kafka.bootstrap-servers = \"" + LocalInfra.kafkaSaslBootstrapServers() + "\"",
        "squall.kafka.client.security.protocol = SASL_PLAINTEXT",
        "squall.kafka.client.sasl.mechanism = PLAIN",
        "squall.kafka.sasl.username = squall",
        "squall.kafka.sasl.password = \"" + password + "\"");
  }
}
