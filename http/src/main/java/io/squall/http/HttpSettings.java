package io.squall.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/** Typed {@code squall.http} settings, read and validated once at startup. */
public record HttpSettings(
    String iface,
    int port,
    Duration healthTimeout,
    Duration askTimeout,
    int maxRangeDays,
    long maxBody,
    Set<String> metrics,
    Auth auth,
    Optional<Tls> tls) {
  private static final String PATH = "squall.http";

  /**
   * {@code squall.http.auth}: where the API's tokens are, whether reads need one, how often the
   * file is read again.
   */
  public record Auth(Optional<Path> tokensFile, boolean openReads, Duration reloadInterval) {}

  /**
   * {@code squall.http.tls-dir}: HTTPS with the key and certificate there, read again when they
   * change, at most every {@code tls-reload-interval}.
   */
  public record Tls(Path dir, Duration reloadInterval) {}

  public static HttpSettings create(Config config) {
    Config http = config.getConfig(PATH);
    int port = port(config, PATH + ".port", "SQUALL_HTTP_PORT");
    Duration tlsReload = positive(http, PATH, "tls-reload-interval");
    Set<String> metrics = new LinkedHashSet<>(http.getStringList("metrics"));
    String extra = System.getenv("SQUALL_METRICS");
    if (extra != null) {
      for (String metric : extra.split(",")) {
        if (!metric.isBlank()) {
          metrics.add(metric.strip());
        }
      }
    }
    return new HttpSettings(
        http.getString("interface"),
        port,
        positive(http, PATH, "health-timeout"),
        positive(http, PATH, "ask-timeout"),
        http.getInt("max-range-days"),
        http.getBytes("max-body"),
        Set.copyOf(metrics),
        auth(http.getConfig("auth")),
        optionalPath(http.getString("tls-dir")).map(dir -> new Tls(dir, tlsReload)));
  }

  /**
   * The TCP port at {@code path}; an error names the environment variable that sets it too, since
   * that is where a wrong value comes from, which HOCON's own error leaves out.
   */
  public static int port(Config config, String path, String variable) {
    String value = String.valueOf(config.getValue(path).unwrapped()).strip();
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // told below
    }
    throw new ConfigException.BadValue(
        path, "must be a port number (0-65535), was \"" + value + "\" (" + variable + ")");
  }

  private static Auth auth(Config auth) {
    return new Auth(
        optionalPath(auth.getString("tokens-file")),
        auth.getBoolean("open-reads"),
        positive(auth, PATH + ".auth", "reload-interval"));
  }

  private static Optional<Path> optionalPath(String path) {
    return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path.strip()));
  }

  private static Duration positive(Config config, String path, String key) {
    Duration value = config.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException.BadValue(path + "." + key, "must be positive");
    }
    return value;
  }
}
