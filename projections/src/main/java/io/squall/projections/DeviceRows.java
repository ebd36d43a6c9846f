package io.squall.projections;

import akka.Done;
import akka.actor.typed.ActorSystem;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The aggregates' side of {@link DeviceProjection}: each device incarnation gets a {@link
 * DeviceRowsWriter}. Devices may start before the projection is ready (schema, versions): their
 * writes wait for it.
 */
public final class DeviceRows implements DeviceProjection {
  private final ActorSystem<?> system;
  private final CompletionStage<DeviceRowsWriter.Context> context;

  DeviceRows(ActorSystem<?> system, CompletionStage<DeviceRowsWriter.Context> context) {
    this.system = system;
    this.context = context;
  }

  /** The rows of {@code projection}'s versions, written once it is ready. */
  public static DeviceRows of(
      ActorSystem<?> system, CompletionStage<AggregatesProjection> projection) {
    return new DeviceRows(system, projection.thenApply(AggregatesProjection::writerContext));
  }

  @Override
  public Writer writer(String deviceId) {
    return new Writer() {
      private DeviceRowsWriter writer;

      private CompletionStage<DeviceRowsWriter> ready() {
        return context.thenApply(
            c -> {
              if (writer == null) {
                writer = new DeviceRowsWriter(system, deviceId, c);
              }
              return writer;
            });
      }

      @Override
      public CompletionStage<Done> project(
          Device.ReadingsRecorded event, long sequenceNr, Device.PriorPeriods prior) {
        return ready().thenCompose(w -> w.project(event, sequenceNr, prior));
      }

      @Override
      public CompletionStage<Done> recover(
          long lastSequenceNr,
          Optional<Device.ReadingsRecorded> lastEvent,
          Optional<Set<LocalDate>> lastEventDays) {
        return ready().thenCompose(w -> w.recover(lastSequenceNr, lastEvent, lastEventDays));
      }

      @Override
      public CompletionStage<Done> rebuild(int version, long lastSequenceNr) {
        return ready().thenCompose(w -> w.rebuild(version, lastSequenceNr));
      }
    };
  }
}
