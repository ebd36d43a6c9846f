package io.squall.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live state of each device whose entity runs on this node, as the entity would answer {@link
 * Device.GetState} between commands: published once an event and its rows are durable, removed when
 * the entity stops or restarts. A read of it never waits in an entity's mailbox behind a batch
 * being written, where an ask would; a device not here is asked as before. Also the devices of this
 * node ({@link DeviceTenure}) whose entity answered that they never recorded a reading, until they
 * record one: asking again would recover the entity for nothing.
 */
public final class LiveStates implements Extension {
  private static final ExtensionId<LiveStates> ID =
      new ExtensionId<>() {
        @Override
        public LiveStates createExtension(ActorSystem<?> system) {
          return new LiveStates(DeviceTenure.get(system));
        }
      };

  /** Devices asked about that never recorded a reading: any id a client sends, so bounded. */
  private static final int NEVER_RECORDED_KEPT = 100_000;

  private final ConcurrentHashMap<String, Device.Summary> states = new ConcurrentHashMap<>();
  private final Cache<String, Boolean> neverRecorded =
      Caffeine.newBuilder().maximumSize(NEVER_RECORDED_KEPT).executor(Runnable::run).build();
  private final DeviceTenure tenure;

  private LiveStates(DeviceTenure tenure) {
    this.tenure = tenure;
    tenure.onChange(neverRecorded::invalidateAll);
  }

  public static LiveStates get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** {@code deviceId}'s state, if its entity runs here and recorded a reading. */
  public Optional<Device.Summary> of(String deviceId) {
    return Optional.ofNullable(states.get(deviceId));
  }

  /** Whether {@code deviceId}'s entity here answered that it never recorded a reading, since. */
  public boolean neverRecorded(String deviceId) {
    return neverRecorded.getIfPresent(deviceId) != null;
  }

  void markNeverRecorded(String deviceId) {
    if (tenure.holds(deviceId)) {
      neverRecorded.put(deviceId, Boolean.TRUE);
    }
  }

  void recording(String deviceId) {
    neverRecorded.invalidate(deviceId);
  }

  void publish(Device.Summary summary) {
    states.put(summary.id(), summary);
  }

  void remove(String deviceId) {
    states.remove(deviceId);
  }
}
