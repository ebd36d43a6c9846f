package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.ClusterShardingQuery;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.squall.persistence.Device;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code squall_device_shards} and {@code squall_devices_live}: the device shards this node hosts
 * and their entities in memory, as the shard region last reported them (asked every {@link
 * #EVERY}).
 */
final class ShardMeters {
  static final Duration EVERY = Duration.ofSeconds(10);

  private final AtomicLong shards = new AtomicLong();
  private final AtomicLong entities = new AtomicLong();

  private ShardMeters() {}

  static void start(ActorSystem<?> system, MeterRegistry registry) {
    ShardMeters meters = new ShardMeters();
    Gauge.builder("squall.device.shards", meters.shards, AtomicLong::get)
        .description("Device shards hosted by this node")
        .strongReference(true)
        .register(registry);
    Gauge.builder("squall.devices.live", meters.entities, AtomicLong::get)
        .description("Device entities in memory on this node")
        .strongReference(true)
        .register(registry);
    system
        .scheduler()
        .scheduleAtFixedRate(
            Duration.ZERO, EVERY, () -> meters.refresh(system), system.executionContext());
  }

  private void refresh(ActorSystem<?> system) {
    AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            ClusterSharding.get(system).shardState(),
            replyTo -> new GetShardRegionState(Device.ENTITY_KEY, replyTo),
            EVERY,
            system.scheduler())
        .thenAccept(
            state -> {
              long live = 0;
              for (ShardRegion.ShardState shard : state.getShards()) {
                live += shard.getEntityIds().size();
              }
              shards.set(state.getShards().size());
              entities.set(live);
            });
  }
}
