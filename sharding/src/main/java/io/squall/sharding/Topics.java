package io.squall.sharding;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the readings and dead-letter topics when they do not exist yet, and returns once every
 * partition has a leader.
 */
public final class Topics {
  private Topics() {}

  /** The readings topic and its dead-letter topic. */
  public static void ensure(IngestSettings settings) {
    ensure(settings, List.of(settings.topic(), settings.deadLetterTopic()));
  }

  /**
   * {@code topics}, with the partitions and replication of {@code settings}, through an admin
   * client of its own (the command-line tools).
   */
  public static void ensure(IngestSettings settings, List<String> topics) {
    try (Admin admin = Admin.create(KafkaClients.adminProperties(settings))) {
      ensure(admin, settings, topics);
    }
  }

  /**
   * {@code topics}, with the partitions and replication of {@code settings}, through {@code admin}.
   */
  public static void ensure(Admin admin, IngestSettings settings, List<String> topics) {
    try {
      for (String topic : topics) {
        try {
          admin
              .createTopics(
                  List.of(new NewTopic(topic, settings.partitions(), settings.replicationFactor())))
              .all()
              .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new KafkaUnavailableException(
                settings
                    .kafka()
                    .refusal(e.getCause())
                    .orElse(
                        "could not create topic " + topic + " at " + settings.bootstrapServers()),
                e.getCause());
          }
        }
      }
      awaitLeaders(admin, topics, Duration.ofSeconds(30));
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "no Kafka broker answered at " + settings.bootstrapServers() + " within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while creating topics", e);
    }
  }

  /**
   * Waits until every partition of {@code topics} has a leader. A producer that writes to a
   * partition before its leader is in place has its first request refused and, when idempotent, can
   * be left retrying the refused batch behind later ones forever (KAFKA-14359).
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
            .allMatch(Topics::everyPartitionLed)) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not described yet: a new topic reaches the broker's metadata shortly after creation
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaUnavailableException(
            "the partitions of " + topics + " have no leader after " + timeout.toSeconds() + " s",
            null);
      }
      Thread.sleep(100);
    }
  }

  private static boolean everyPartitionLed(TopicDescription topic) {
    return topic.partitions().stream()
        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
  }
}
