package io.squall.projections;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.squall.persistence.Replication;
import java.time.Duration;

/** Typed {@code squall.projections} settings, read and validated once at startup. */
public record ProjectionSettings(
    String keyspace,
    Replication replication,
    boolean autocreate,
    Duration versionCheckInterval,
    Duration dropRetiredAfter,
    int rebuildParallelism,
    Duration rebuildDeviceTimeout,
    long cachedRows) {
  private static final String PATH = "squall.projections";

  public static ProjectionSettings create(Config config) {
    Config projections = config.getConfig(PATH);
    String keyspace = projections.getString("keyspace");
    if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
      throw new ConfigException.BadValue(
          PATH + ".keyspace", "must be a Cassandra keyspace name, was '" + keyspace + "'");
    }
    return new ProjectionSettings(
        keyspace,
        Replication.create(config),
        projections.getBoolean("autocreate"),
        positiveDuration(projections, "version-check-interval"),
        projections.getDuration("drop-retired-after"),
        positive(projections, "rebuild-parallelism"),
        positiveDuration(projections, "rebuild-device-timeout"),
        positive(projections, "cached-rows"));
  }

  private static int positive(Config projections, String key) {
    int value = projections.getInt(key);
    if (value < 1) {
      throw new ConfigException.BadValue(PATH + "." + key, "must be at least 1, was " + value);
    }
    return value;
  }

  private static Duration positiveDuration(Config projections, String key) {
    Duration value = projections.getDuration(key);
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException.BadValue(PATH + "." + key, "must be positive, was " + value);
    }
    return value;
  }
}
