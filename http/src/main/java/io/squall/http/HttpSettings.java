package io.squall.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** Typed {@code squall.http} settings, read and validated once at startup. */
public record HttpSettings(String iface, int port, Duration healthTimeout) {
  private static final String PATH = "squall.http";

  public static HttpSettings create(Config config) {
    Config http = config.getConfig(PATH);
    int port = http.getInt("port");
    if (port < 0 || port > 65535) {
      throw new ConfigException.BadValue(
          PATH + ".port", "must be a TCP port (0-65535), was " + port);
    }
    Duration healthTimeout = http.getDuration("health-timeout");
    if (healthTimeout.isNegative() || healthTimeout.isZero()) {
      throw new ConfigException.BadValue(PATH + ".health-timeout", "must be positive");
    }
    return new HttpSettings(http.getString("interface"), port, healthTimeout);
  }
}
