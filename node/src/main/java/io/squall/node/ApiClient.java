package io.squall.node;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --url} and {@code --token} of {@code status} and {@code rebuild}, and the HTTP client
 * they ask with.
 */
final class ApiClient {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "the Squall API (default: this node's own, from SQUALL_HTTP_INTERFACE, SQUALL_HTTP_PORT"
              + " and SQUALL_HTTP_TLS_DIR; http://127.0.0.1:8080/api/v1 when none is set)")
  private String api;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:SQUALL_API_TOKEN}",
      description =
          "the API token to send (default: $SQUALL_API_TOKEN); rebuild needs the admin scope")
  String token;

  /** The API's base URL: as given, else this node's own. */
  String api() {
    if (api == null) {
      api = OwnEndpoints.api(NodeConfig.load());
    }
    return api;
  }

  /** {@code path} under the API, answered within 10 s; a node out of reach is said plainly. */
  HttpResponse<String> send(String method, String path) throws InterruptedException {
    return send(api() + path, method, token, "the Squall API at " + api());
  }

  static HttpResponse<String> send(String uri, String method, String token, String what)
      throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token.strip());
    }
    try {
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // a refused connection says nothing more; a TLS failure names what it did not trust
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalStateException(
          "could not reach " + what + " (" + uri + ": " + why + "); is a node running there?");
    }
  }
}
