package io.squall.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/** Typed {@code squall.http} settings, read and validated once at startup. */
public record HttpSettings(
    String iface,
    int port,
    Duration healthTimeout,
    Duration askTimeout,
    int maxRangeDays,
    long maxBody,
    Set<String> metrics) {
  private static final String PATH = "squall.http";

  public static HttpSettings create(Config config) {
    Config http = config.getConfig(PATH);
    int port = http.getInt("port");
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue(
          PATH + ".port", "must be a TCP port (0-65535), was " + port);
    }
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
        positive(http, "health-timeout"),
        positive(http, "ask-timeout"),
        http.getInt("max-range-days"),
        http.getBytes("max-body"),
        Set.copyOf(metrics));
  }

  private static Duration positive(Config http, String key) {
    Duration value = http.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException.BadValue(PATH + "." + key, "must be positive");
    }
    return value;
  }
}
