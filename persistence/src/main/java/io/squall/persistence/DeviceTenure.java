package io.squall.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;

/**
 * Which devices this node alone writes: shards follow the readings topic's partitions, so a device
 * whose partition this node consumes has its entity here, and its rows are written from here only.
 * The consumer reports every move of partitions before sharding hands a shard over; whoever keeps
 * rows in memory forgets them then.
 */
public final class DeviceTenure implements Extension {
  private static final ExtensionId<DeviceTenure> ID =
      new ExtensionId<>() {
        @Override
        public DeviceTenure createExtension(ActorSystem<?> system) {
          return new DeviceTenure();
        }
      };

  private final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile ToIntFunction<String> partitionOf;

  private DeviceTenure() {}

  public static DeviceTenure get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Whether this node consumes {@code deviceId}'s partition now (never before sharding starts). */
  public boolean holds(String deviceId) {
    ToIntFunction<String> partition = partitionOf;
    return partition != null && partitions.contains(partition.applyAsInt(deviceId));
  }

  /** Runs {@code listener} on every move of partitions to or from this node. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** How sharding maps a device to its partition. */
  public void partitionsBy(ToIntFunction<String> partitionOf) {
    this.partitionOf = partitionOf;
  }

  /** This node's consumer was given {@code assigned}. */
  public void assigned(Collection<Integer> assigned) {
    listeners.forEach(Runnable::run);
    partitions.addAll(assigned);
  }

  /** This node's consumer gave {@code revoked} up. */
  public void revoked(Collection<Integer> revoked) {
    partitions.removeAll(revoked);
    listeners.forEach(Runnable::run);
  }
}
