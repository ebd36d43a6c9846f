package io.squall.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed {@code squall.ingest} settings, read and validated once at startup. {@code
 * replicationFactor} is empty for {@code auto}: topics get the replication their Kafka cluster
 * allows ({@link Topics#replicationFor}).
 */
public record IngestSettings(
    boolean enabled,
    KafkaClientSettings kafka,
    String topic,
    String deadLetterTopic,
    String groupId,
    int partitions,
    Optional<Short> replicationFactor,
    SourceFormat format,
    int batchSize,
    Duration batchWait,
    int batchesInFlight,
    int parallelism,
    int maxReadingsPerEvent,
    Duration askTimeout,
    int askAttempts,
    Duration askRetryDelay,
    Duration stallTimeout,
    Duration restartBackoffMin,
    Duration restartBackoffMax) {
  private static final String PATH = "squall.ingest";

  public static IngestSettings create(Config config) {
    Config ingest = config.getConfig(PATH);
    SourceFormat format;
    try {
      format = SourceFormat.named(ingest.getString("format"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(PATH + ".format", e.getMessage());
    }
    return new IngestSettings(
        ingest.getBoolean("enabled"),
        KafkaClientSettings.create(config),
        notEmpty(config, PATH + ".topic"),
        notEmpty(config, PATH + ".dead-letter-topic"),
        notEmpty(config, PATH + ".group-id"),
        atLeastOne(ingest, "partitions"),
        replicationFactor(ingest),
        format,
        atLeastOne(ingest, "batch-size"),
        ingest.getDuration("batch-wait"),
        atLeastOne(ingest, "batches-in-flight"),
        atLeastOne(ingest, "parallelism"),
        atLeastOne(ingest, "max-readings-per-event"),
        ingest.getDuration("ask-timeout"),
        atLeastOne(ingest, "ask-attempts"),
        ingest.getDuration("ask-retry-delay"),
        ingest.getDuration("stall-timeout"),
        ingest.getDuration("restart-backoff-min"),
        ingest.getDuration("restart-backoff-max"));
  }

  /** The brokers every Kafka client of Squall connects to. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  private static String notEmpty(Config config, String path) {
    String value = config.getString(path);
    if (value.isBlank()) {
      throw new ConfigException.BadValue(path, "must not be empty");
    }
    return value;
  }

  private static Optional<Short> replicationFactor(Config ingest) {
    String key = "replication-factor";
    if (ingest.getString(key).equals("auto")) {
      return Optional.empty();
    }
    int factor;
    try {
      factor = ingest.getInt(key);
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          PATH + "." + key,
          "must be auto or a number of replicas, was \"" + ingest.getString(key) + "\"");
    }
    if (factor < 1 || factor > Short.MAX_VALUE) {
      throw new ConfigException.BadValue(
          PATH + "." + key, "must be auto or from 1 to " + Short.MAX_VALUE + ", was " + factor);
    }
    return Optional.of((short) factor);
  }

  private static int atLeastOne(Config config, String key) {
    int value = config.getInt(key);
    if (value < 1) {
      throw new ConfigException.BadValue(PATH + "." + key, "must be at least 1, was " + value);
    }
    return value;
  }
}
