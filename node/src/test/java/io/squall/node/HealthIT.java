package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real node against the real Kafka and Cassandra: its health answer and its readiness probe
 * follow its dependencies.
 */
class HealthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static ActorTestKit testKit;
  private static URI health;
  private static URI ready;

  @BeforeAll
  static void startNode() throws Exception {
    int managementPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      managementPort = socket.getLocalPort();
    }
    Config config =
        TestNode.config(
            "it_health",
            "squall.http.health-timeout = 2s",
            "squall.cluster.management = on",
            "akka.management.http.hostname = 127.0.0.1",
            "akka.management.http.port = " + managementPort);
    testKit = ActorTestKit.create("HealthIT", config);
    Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
    int port = node.http().toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
    health = URI.create("http://127.0.0.1:" + port + "/api/v1/health");
    ready = URI.create("http://127.0.0.1:" + managementPort + "/ready");
  }

  @AfterAll
  static void stopNode() {
    // a region still handing off after the outage may take its whole 10 s phase
    ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
  }

  @Test
  void shouldAnswer200WhenKafkaCassandraAndClusterAreUsableAnd503NamingCassandraWhenItStops()
      throws Exception {
    HttpResponse<String> healthy = awaitStatus(health, 200);
    awaitStatus(ready, 200);
    JsonNode body = JSON.readTree(healthy.body());
    assertEquals("UP", body.get("status").asText());
    for (JsonNode check : body.get("checks")) {
      assertTrue(check.get("up").asBoolean(), check.get("name") + " should be up: " + check);
    }
    assertEquals(3, body.get("checks").size(), "kafka, cassandra and cluster are checked");

    LocalInfra.infra("stop", "cassandra");
    try {
      HttpResponse<String> unhealthy = awaitStatus(health, 503);
      JsonNode down = JSON.readTree(unhealthy.body());
      assertEquals("DOWN", down.get("status").asText());
      assertEquals("unavailable", down.get("error").asText());
      assertTrue(
          down.get("detail").asText().startsWith("cassandra is unavailable"), down.toString());
      for (JsonNode check : down.get("checks")) {
        boolean isCassandra = check.get("name").asText().equals("cassandra");
        assertEquals(!isCassandra, check.get("up").asBoolean(), check.toString());
      }
      JsonNode notReady = JSON.readTree(awaitStatus(ready, 503).body());
      assertEquals("not ready", notReady.get("error").asText(), notReady.toString());
      assertTrue(
          notReady.get("detail").asText().contains("cassandra is down"), notReady.toString());
    } finally {
      LocalInfra.infra("start", "cassandra");
    }
    awaitStatus(health, 200);
    awaitStatus(ready, 200);
  }

  private static HttpResponse<String> awaitStatus(URI uri, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last =
          CLIENT.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (last.statusCode() == status) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        uri + " never answered " + status + "; last: " + last.statusCode() + " " + last.body());
  }
}
