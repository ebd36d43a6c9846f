package io.squall.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.server.Route;
import io.squall.persistence.NodeMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Binds the API's routes, timed and access-logged ({@link RequestMeters}), and unbinds them first
 * when the node shuts down.
 */
public final class HttpServer {
  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, HttpSettings settings, Route routes) {
    return start(system, settings, routes, null);
  }

  /** {@code routes}, behind {@code reads} (if any) for the device reads it answers. */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, HttpSettings settings, Route routes, DeviceReads reads) {
    RequestMeters meters =
        new RequestMeters(NodeMetrics.get(system).registry(), ApiRoutes.ENDPOINTS);
    ServerBuilder server = Http.get(system).newServerAt(settings.iface(), settings.port());
    if (settings.tls().isPresent()) {
      server = server.enableHttps(ServerTls.create(settings.tls().get()));
    }
    String scheme = settings.tls().isPresent() ? "https" : "http";
    CompletionStage<ServerBinding> binding =
        server.bind(
            meters.around(
                reads == null
                    ? ApiErrors.seal(routes).handler(system)
                    : reads.around(ApiErrors.seal(routes).handler(system))));
    return binding.whenComplete(
        (bound, failure) -> {
          if (failure != null) {
            system
                .log()
                .error(
                    "Squall could not listen for {} on {}:{}: {}",
                    scheme.toUpperCase(Locale.ROOT),
                    settings.iface(),
                    settings.port(),
                    failure.getMessage());
            system.terminate();
          } else {
            bound.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
            system
                .log()
                .info(
                    "Squall answers on {}://{}:{}/api/v1/",
                    scheme,
                    bound.localAddress().getHostString(),
                    bound.localAddress().getPort());
          }
        });
  }
}
