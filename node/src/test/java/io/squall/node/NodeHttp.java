package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's view of a node's HTTP API: its address, and GETs polled until they answer as expected.
 */
final class NodeHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private NodeHttp() {}

  /** The node's API root, {@code http://127.0.0.1:PORT/api/v1}, once it is bound. */
  static String api(Main.Node node) throws Exception {
    int port = node.http().toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
    return "http://127.0.0.1:" + port + "/api/v1";
  }

  static HttpResponse<String> get(String uri) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The first 200 answer of {@code uri} whose JSON body satisfies {@code done}. */
  static JsonNode await(String uri, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = get(uri);
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonNode body = JSON.readTree(response.body());
        if (done.test(body)) {
          return body;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError(uri + " never answered as expected; last: " + last);
  }

  /** The first answer of {@code uri} with {@code status} whose body satisfies {@code done}. */
  static HttpResponse<String> awaitStatus(String uri, int status, Predicate<String> done)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      last = get(uri);
      if (last.statusCode() == status && done.test(last.body())) {
        return last;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        uri
            + " never answered "
            + status
            + " as expected; last: "
            + last.statusCode()
            + " "
            + last.body());
  }

  static HttpResponse<String> awaitStatus(String uri, int status) throws Exception {
    return awaitStatus(uri, status, body -> true);
  }
}
