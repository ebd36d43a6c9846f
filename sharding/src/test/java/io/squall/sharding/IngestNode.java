package io.squall.sharding;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.DeviceSettings;
import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A Squall ingestion node for tests: a cluster member with partition-aligned Device shards and its
 * readings consumer, on the real Kafka and Cassandra, with a keyspace and topics of its own.
 */
public final class IngestNode implements AutoCloseable {
  public final ActorTestKit testKit;
  public final ReadingsConsumer consumer;
  public final IngestSettings settings;

  private IngestNode(ActorTestKit testKit, IngestSettings settings, ReadingsConsumer consumer) {
    this.testKit = testKit;
    this.settings = settings;
    this.consumer = consumer;
  }

  /** Configuration for a test world: one keyspace, one readings topic, one consumer group. */
  public static Config world(String name) {
    String topic = LocalInfra.uniqueName(name);
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "squall.kafka.bootstrap-servers = \"" + LocalInfra.kafkaBootstrapServers() + "\"",
                "squall.ingest.topic = " + topic,
                "squall.ingest.dead-letter-topic = " + topic + ".dead-letter",
                "squall.ingest.group-id = " + topic + "-group",
                "squall.ingest.stall-timeout = 20s",
                "akka.cluster.sharding.rebalance-interval = 2s",
                "akka.kafka.consumer.kafka-clients.session.timeout.ms = 10000",
                "akka.kafka.consumer.kafka-clients.heartbeat.interval.ms = 1000"))
        .withFallback(LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(topic)))
        .withFallback(ConfigFactory.parseResources("kafka.conf"))
        .resolve();
  }

  /** A node of {@code world} whose devices write no rows: forms a cluster of one, or joins. */
  public static IngestNode start(Config world, IngestNode seed) throws Exception {
    return start(world, seed, system -> DeviceProjection.NONE);
  }

  /**
   * A node of {@code world} whose devices write their rows through what {@code rows} makes of its
   * actor system: forms a cluster of one, or joins {@code seed}'s cluster.
   */
  public static IngestNode start(
      Config world,
      IngestNode seed,
      java.util.function.Function<akka.actor.typed.ActorSystem<?>, DeviceProjection> rows)
      throws Exception {
    ActorTestKit testKit = ActorTestKit.create("IngestNode", world);
    if (seed == null) {
      LocalInfra.joinSelf(testKit.system());
    } else {
      var cluster = akka.cluster.typed.Cluster.get(testKit.system());
      cluster
          .manager()
          .tell(
              akka.cluster.typed.Join.create(
                  akka.cluster.typed.Cluster.get(seed.testKit.system()).selfMember().address()));
      await(
          Duration.ofSeconds(30),
          () -> cluster.selfMember().status() == akka.cluster.MemberStatus.up(),
          "the second node joined");
    }
    IngestSettings settings = IngestSettings.create(world);
    DeviceSharding.init(
            testKit.system(), settings, DeviceSettings.create(world), rows.apply(testKit.system()))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    return new IngestNode(testKit, settings, ReadingsConsumer.start(testKit.system(), settings));
  }

  /**
   * Sends the lines of {@code files} to this world's readings topic, as {@code squall load} does.
   */
  public ReadingsFiles.Sent load(Path... files) throws IOException {
    return ReadingsFiles.send(
        List.of(files),
        settings.kafka(),
        settings.topic(),
        new java.util.concurrent.atomic.AtomicLong(),
        new java.util.concurrent.atomic.AtomicLong());
  }

  /**
   * The device's state, asked again for up to 60 s: an ask dropped by a shard hand-off (the nodes
   * move shards to the node that consumes their partition) goes unanswered.
   */
  public Device.Summary device(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Optional<Device.Summary> state = answer(id, Duration.ofSeconds(5));
      if (state.isPresent()) {
        return state.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("device " + id + " did not answer within 60 s");
      }
    }
  }

  /**
   * The device's state, or empty when it did not answer within {@code timeout}: sharding drops what
   * it buffered for a shard that is being handed off, so an ask during a rebalance can go
   * unanswered, and asking again reaches the shard's new home.
   */
  private Optional<Device.Summary> answer(String id, Duration timeout) {
    try {
      return Optional.of(
          ClusterSharding.get(testKit.system())
              .entityRefFor(Device.ENTITY_KEY, id)
              .<Device.Summary>askWithStatus(Device.GetState::new, timeout)
              .toCompletableFuture()
              .get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until every device's readings + duplicates reach {@code accounted}; then their states.
   */
  public Map<String, Device.Summary> awaitAccounted(Map<String, Long> accounted, Duration timeout) {
    Predicate<String> done =
        id ->
            answer(id, Duration.ofSeconds(5))
                .map(s -> s.readings() + s.duplicates() >= accounted.get(id))
                .orElse(false);
    await(
        timeout,
        () -> accounted.keySet().stream().allMatch(done),
        "every reading of " + accounted.keySet() + " accounted for");
    return accounted.keySet().stream()
        .collect(java.util.stream.Collectors.toMap(id -> id, this::device));
  }

  public static void await(
      Duration timeout, java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting until " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    testKit.shutdownTestKit();
  }
}
