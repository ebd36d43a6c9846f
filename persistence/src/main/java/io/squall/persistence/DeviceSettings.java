package io.squall.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/** Typed {@code squall.device} settings, read and validated once at startup. */
public record DeviceSettings(
    int snapshotEvery, int keepSnapshots, Duration restartBackoffMin, Duration restartBackoffMax) {
  private static final String PATH = "squall.device";

  public static DeviceSettings create(Config config) {
    Config device = config.getConfig(PATH);
    return new DeviceSettings(
        positive(device, "snapshot-every"),
        positive(device, "keep-snapshots"),
        device.getDuration("restart-backoff-min"),
        device.getDuration("restart-backoff-max"));
  }

  private static int positive(Config config, String key) {
    int value = config.getInt(key);
    if (value < 1) {
      throw new ConfigException.BadValue(PATH + "." + key, "must be at least 1, was " + value);
    }
    return value;
  }
}
