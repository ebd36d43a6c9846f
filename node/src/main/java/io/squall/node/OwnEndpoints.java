package io.squall.node;

import com.typesafe.config.Config;

/**
 * Where this node's own API and Akka Management answer, from its settings: what a command run
 * beside the node (in its pod, with its environment) calls when not told otherwise.
 */
final class OwnEndpoints {
  private OwnEndpoints() {}

  /** The API's base URL, over HTTPS when the API serves it. */
  static String api(Config config) {
    String scheme = config.getString("squall.http.tls-dir").isBlank() ? "http" : "https";
    return scheme
        + "://"
        + reachable(config.getString("squall.http.interface"))
        + ":"
        + config.getInt("squall.http.port")
        + "/api/v1";
  }

  /** Akka Management's base URL. */
  static String management(Config config) {
    return "http://"
        + reachable(config.getString("akka.management.http.hostname"))
        + ":"
        + config.getInt("akka.management.http.port");
  }

  /** A listening address a client can call: every interface is reached on loopback. */
  private static String reachable(String bound) {
    String host =
        switch (bound) {
          case "", "0.0.0.0", "::", "[::]" -> "127.0.0.1";
          default -> bound;
        };
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
