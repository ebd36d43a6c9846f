package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.pattern.Patterns;
import io.squall.persistence.Device;
import io.squall.persistence.Readings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a device's entity to record its part of a batch, in chunks of at most {@code
 * max-readings-per-event} readings, one after the other (journal events stay small), each ask
 * retried {@code ask-attempts} times.
 */
final class DeviceRecorder {
  // the consumer's log lines keep the logger they always had
  private static final Logger log = LoggerFactory.getLogger(ReadingsConsumer.class);

  /** One ask of a device's entity for one chunk. */
  interface Ask {
    CompletionStage<Device.Recorded> record(
        String deviceId, Readings readings, Device.Origin origin);
  }

  private final int maxReadingsPerEvent;
  private final Ask ask;

  DeviceRecorder(int maxReadingsPerEvent, Ask ask) {
    this.maxReadingsPerEvent = maxReadingsPerEvent;
    this.ask = ask;
  }

  /** Asks the devices' sharded entities, with the settings' timeout, attempts and retry delay. */
  static DeviceRecorder ofEntities(
      ActorSystem<?> system, IngestSettings settings, IngestStats stats) {
    return new DeviceRecorder(
        settings.maxReadingsPerEvent(),
        (deviceId, readings, origin) ->
            askEntity(system, settings, stats, deviceId, readings, origin));
  }

  /** Records a device's part of a batch; the answers of its chunks, summed. */
  CompletionStage<Device.Recorded> record(DevicePart part) {
    CompletionStage<Device.Recorded> total =
        CompletableFuture.completedFuture(new Device.Recorded(0, 0, 0));
    int chunk = maxReadingsPerEvent;
    Readings all = part.readings();
    for (int from = 0; from < all.size(); from += chunk) {
      int to = Math.min(from + chunk, all.size());
      Readings readings = all.size() <= chunk ? all : all.slice(from, to);
      Device.Origin origin =
          new Device.Origin(part.topicPartition(), List.copyOf(part.offsets().subList(from, to)));
      total =
          total.thenCompose(
              sum ->
                  ask.record(part.deviceId(), readings, origin)
                      .thenApply(
                          more ->
                              new Device.Recorded(
                                  sum.recorded() + more.recorded(),
                                  sum.duplicates() + more.duplicates(),
                                  sum.redelivered() + more.redelivered())));
    }
    return total;
  }

  private static CompletionStage<Device.Recorded> askEntity(
      ActorSystem<?> system,
      IngestSettings settings,
      IngestStats stats,
      String deviceId,
      Readings readings,
      Device.Origin origin) {
    EntityRef<Device.Command> device =
        ClusterSharding.get(system).entityRefFor(Device.ENTITY_KEY, deviceId);
    return Patterns.retry(
        () -> {
          long asked = System.nanoTime();
          return device
              .<Device.Recorded>askWithStatus(
                  replyTo -> new Device.Record(readings, origin, replyTo), settings.askTimeout())
              .whenComplete(
                  (answer, failure) -> {
                    stats.asked(asked);
                    if (failure != null) {
                      log.warn(
                          "Device {} did not record {} readings of {} offsets {}..{}: {}",
                          deviceId,
                          readings.size(),
                          origin.topicPartition(),
                          origin.offsets().get(0),
                          origin.offsets().get(origin.offsets().size() - 1),
                          failure.toString());
                    }
                  });
        },
        settings.askAttempts(),
        settings.askRetryDelay(),
        system.classicSystem().scheduler(),
        system.executionContext());
  }
}
