package io.squall.node;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.management.javadsl.ManagementRouteProvider;
import akka.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /metrics} on the management port, for Prometheus; named in {@code
 * akka.management.http.routes}.
 */
public final class MetricsRoutes implements ManagementRouteProvider {
  private final Prometheus prometheus;

  public MetricsRoutes(ExtendedActorSystem system) {
    this.prometheus = Prometheus.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    complete(
                        HttpResponse.create()
                            .withEntity(
                                HttpEntities.create(
                                    ContentTypes.TEXT_PLAIN_UTF8, prometheus.scrape())))));
  }
}
