package io.squall.node;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.path;

import akka.actor.ExtendedActorSystem;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.management.HealthCheckSettings;
import akka.management.javadsl.CheckResult;
import akka.management.javadsl.HealthChecks;
import akka.management.javadsl.ManagementRouteProvider;
import akka.management.javadsl.ManagementRouteProviderSettings;
import io.squall.http.JsonSupport;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Akka Management's probes, {@code /ready} and {@code /alive}, answered the way Squall's API
 * answers: 200, or 503 with a JSON error naming the check that failed and why (Akka's own routes
 * answer 500 with a line of text). The checks themselves are Akka Management's, configured under
 * {@code akka.management.health-checks}.
 */
public final class ProbeRoutes implements ManagementRouteProvider {
  private final HealthCheckSettings settings;
  private final HealthChecks checks;

  public ProbeRoutes(ExtendedActorSystem system) {
    this.settings =
        HealthCheckSettings.create(
            system.settings().config().getConfig("akka.management.health-checks"));
    this.checks = new HealthChecks(system, settings);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings routeSettings) {
    return concat(
        probe(settings.readinessPath(), "not ready", checks::readyResult),
        probe(settings.livenessPath(), "not alive", checks::aliveResult));
  }

  private static Route probe(
      String name, String error, Supplier<CompletionStage<CheckResult>> check) {
    return path(
        PathMatchers.separateOnSlashes(name),
        () ->
            get(
                () ->
                    onComplete(
                        check.get(),
                        answer -> {
                          if (answer.isSuccess() && answer.get().isSuccess()) {
                            return complete(StatusCodes.OK, "OK");
                          }
                          String reason =
                              answer.isSuccess()
                                  ? answer.get().failure().orElse("a check failed")
                                  : reasonOf(answer.failed().get());
                          return JsonSupport.error(StatusCodes.SERVICE_UNAVAILABLE, error, reason);
                        })));
  }

  /** A check that failed instead of answering: its message, not the wrapper's. */
  private static String reasonOf(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
