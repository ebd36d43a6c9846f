package io.squall.sharding;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the readings and dead-letter topics when they do not exist yet, and returns once every
 * partition has a leader.
 */
public final class Topics {
  private static final Logger log = LoggerFactory.getLogger(Topics.class);

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
      List<String> missing = new ArrayList<>(topics);
      missing.removeAll(admin.listTopics().names().get(30, TimeUnit.SECONDS));
      if (!missing.isEmpty()) {
        create(admin, settings, missing);
      }
      awaitLeaders(admin, topics, Duration.ofSeconds(30));
    } catch (ExecutionException e) {
      throw new KafkaUnavailableException(
          settings
              .kafka()
              .refusal(e.getCause())
              .orElse("could not read or create the topics at " + settings.bootstrapServers()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException(
          "no Kafka broker answered at " + settings.bootstrapServers() + " within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while creating topics", e);
    }
  }

  private static void create(Admin admin, IngestSettings settings, List<String> topics)
      throws InterruptedException, TimeoutException, ExecutionException {
    Collection<Node> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    short replication = replicationFor(settings.replicationFactor(), brokers.size());
    for (String topic : topics) {
      try {
        admin
            .createTopics(List.of(new NewTopic(topic, settings.partitions(), replication)))
            .all()
            .get(30, TimeUnit.SECONDS);
        log.info(
            "Created topic {} with {} partitions, each on {} of the {} broker(s)",
            topic,
            settings.partitions(),
            replication,
            brokers.size());
        unsafeReplication(replication, brokers)
            .ifPresent(warning -> log.warn("Topic {}: {}", topic, warning));
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new KafkaUnavailableException(
              settings
                  .kafka()
                  .refusal(e.getCause())
                  .orElse("could not create topic " + topic + " at " + settings.bootstrapServers()),
              e.getCause());
        }
      }
    }
  }

  /**
   * The replicas of each partition of a new topic: as configured, or for {@code auto} (empty) 3
   * when the cluster has 3 brokers or more, else as many as it has.
   */
  static short replicationFor(Optional<Short> configured, int brokers) {
    return configured.orElse((short) Math.max(1, Math.min(3, brokers)));
  }

  /**
   * Why a topic with {@code replication} replicas on {@code brokers} can lose readings, when it can
   * and the brokers are not all on this machine's loopback (a local setup).
   */
  static Optional<String> unsafeReplication(short replication, Collection<Node> brokers) {
    if (replication >= 3 || brokers.stream().allMatch(broker -> loopback(broker.host()))) {
      return Optional.empty();
    }
    return Optional.of(
        "each partition has "
            + replication
            + " replica(s), so losing "
            + (replication == 1 ? "its broker" : "those brokers")
            + " loses its readings; give Kafka 3 brokers or more (topics get 3 replicas"
            + " then), or set SQUALL_KAFKA_REPLICATION_FACTOR and raise this topic's replication"
            + " with Kafka's partition reassignment");
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
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
