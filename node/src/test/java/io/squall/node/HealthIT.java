package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real node against the real Kafka and Cassandra: its health answer follows its dependencies. */
class HealthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static ActorTestKit testKit;
  private static URI health;

  @BeforeAll
  static void startNode() throws Exception {
    Config config = TestNode.config("it_health", "squall.http.health-timeout = 2s");
    testKit = ActorTestKit.create("HealthIT", config);
    Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
    int port = node.http().toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
    health = URI.create("http://127.0.0.1:" + port + "/api/v1/health");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void shouldAnswer200WhenKafkaCassandraAndClusterAreUsableAnd503NamingCassandraWhenItStops()
      throws Exception {
    HttpResponse<String> healthy = awaitStatus(200);
    JsonNode body = JSON.readTree(healthy.body());
    assertEquals("UP", body.get("status").asText());
    for (JsonNode check : body.get("checks")) {
      assertTrue(check.get("up").asBoolean(), check.get("name") + " should be up: " + check);
    }
    assertEquals(3, body.get("checks").size(), "kafka, cassandra and cluster are checked");

    LocalInfra.infra("stop", "cassandra");
    try {
      HttpResponse<String> unhealthy = awaitStatus(503);
      JsonNode down = JSON.readTree(unhealthy.body());
      assertEquals("DOWN", down.get("status").asText());
      assertEquals("unavailable", down.get("error").asText());
      assertTrue(
          down.get("detail").asText().startsWith("cassandra is unavailable"), down.toString());
      for (JsonNode check : down.get("checks")) {
        boolean isCassandra = check.get("name").asText().equals("cassandra");
        assertEquals(!isCassandra, check.get("up").asBoolean(), check.toString());
      }
    } finally {
      LocalInfra.infra("start", "cassandra");
    }
    awaitStatus(200);
  }

  private static HttpResponse<String> awaitStatus(int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last =
          CLIENT.send(
              HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == status) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "health never answered " + status + "; last: " + last.statusCode() + " " + last.body());
  }
}
