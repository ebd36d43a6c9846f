package io.squall.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import io.squall.persistence.NodeMetrics;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Binds the API's routes, timed and access-logged ({@link RequestMeters}), and unbinds them first
 * when the node shuts down.
 */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, HttpSettings settings, Route routes) {
    RequestMeters meters =
        new RequestMeters(NodeMetrics.get(system).registry(), ApiRoutes.ENDPOINTS);
    CompletionStage<ServerBinding> binding =
        Http.get(system)
            .newServerAt(settings.iface(), settings.port())
            .bind(meters.around(ApiErrors.seal(routes).handler(system)));
    return binding.whenComplete(
        (bound, failure) -> {
          if (failure != null) {
            system
                .log()
                .error(
                    "Squall could not listen for HTTP on {}:{}: {}",
                    settings.iface(),
                    settings.port(),
                    failure.getMessage());
            system.terminate();
          } else {
            bound.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
            system
                .log()
                .info(
                    "Squall answers on http://{}:{}/api/v1/",
                    bound.localAddress().getHostString(),
                    bound.localAddress().getPort());
          }
        });
  }
}
