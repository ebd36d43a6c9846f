package io.squall.sharding;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.cluster.sharding.external.ExternalShardAllocationStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.kafka.ConsumerSettings;
import akka.kafka.cluster.sharding.KafkaClusterSharding;
import akka.util.Timeout;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.DeviceSettings;
import io.squall.persistence.DeviceTenure;
import io.squall.persistence.NodeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Device shards aligned with the readings topic's partitions: shard id = partition of the device id
 * (Kafka's murmur2), and a shard lives on the node whose consumer owns that partition, so the hot
 * path never crosses the network.
 */
public final class DeviceSharding {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private DeviceSharding() {}

  /** The consumer settings of the readings topic (also what the sharding reads partitions with). */
  public static ConsumerSettings<String, byte[]> consumerSettings(
      ActorSystem<?> system, IngestSettings settings) {
    var self = Cluster.get(system).selfMember().address();
    return settings
        .kafka()
        .applyTo(
            ConsumerSettings.create(system, new StringDeserializer(), new ByteArrayDeserializer()))
        .withGroupId(settings.groupId())
        .withClientId(
            "squall-"
                + self.host().getOrElse(() -> "local")
                + "-"
                + self.port().getOrElse(() -> 0));
  }

  /**
   * Creates the topics if needed, then registers the Device entity, writing its rows through {@code
   * rows}, with partition-aligned shards; completes once entities can be asked.
   */
  public static CompletionStage<Done> init(
      ActorSystem<?> system,
      IngestSettings settings,
      DeviceSettings deviceSettings,
      DeviceProjection rows) {
    return CompletableFuture.runAsync(
            () ->
                Topics.ensure(
                    KafkaClients.get(system).admin(),
                    settings,
                    List.of(settings.topic(), settings.deadLetterTopic())),
            system.dispatchers().lookup(DispatcherSelector.blocking()))
        .thenCompose(
            created ->
                KafkaClusterSharding.get(system)
                    .<Device.Command>messageExtractor(
                        settings.topic(), TIMEOUT, consumerSettings(system, settings)))
        .thenApply(
            extractor -> {
              DeviceTenure.get(system).partitionsBy(id -> Integer.parseInt(extractor.shardId(id)));
              ClusterSharding.get(system)
                  .init(
                      Device.entity(deviceSettings, rows)
                          .withMessageExtractor(extractor)
                          .withAllocationStrategy(
                              new ExternalShardAllocationStrategy(
                                  system, Device.ENTITY_KEY.name(), Timeout.create(TIMEOUT))));
              ShardMeters.start(system, NodeMetrics.get(system).registry());
              return Done.getInstance();
            });
  }
}
