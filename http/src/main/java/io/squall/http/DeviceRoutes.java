package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.pathEnd;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import io.squall.persistence.Device;
import io.squall.persistence.LiveStates;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/devices/{id}}: the live state, as the device's entity last published it when
 * it runs on this node, or as it answers when asked.
 */
public final class DeviceRoutes {
  private final ActorSystem<?> system;
  private final Duration askTimeout;
  private final LiveStates liveStates;

  public DeviceRoutes(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.askTimeout = askTimeout;
    this.liveStates = LiveStates.get(system);
  }

  /** Routes under {@code /api/v1/devices/{id}}. */
  public Route routes(String deviceId) {
    return pathEnd(() -> get(() -> state(deviceId)));
  }

  private Route state(String deviceId) {
    Optional<Device.Summary> here = liveStates.of(deviceId);
    if (here.isPresent()) {
      return complete(StatusCodes.OK, here.get(), JsonSupport.marshaller());
    }
    CompletionStage<Device.Summary> answer =
        ClusterSharding.get(system)
            .entityRefFor(Device.ENTITY_KEY, deviceId)
            .askWithStatus(Device.GetState::new, askTimeout);
    return onComplete(
        answer,
        result -> {
          if (result.isFailure()) {
            return ApiFailures.toRoute(result.failed().get(), "device " + deviceId);
          }
          Device.Summary summary = result.get();
          if (summary.readings() == 0) {
            return JsonSupport.error(
                StatusCodes.NOT_FOUND,
                "not found",
                "device " + deviceId + " never recorded a reading");
          }
          return complete(StatusCodes.OK, summary, JsonSupport.marshaller());
        });
  }
}
