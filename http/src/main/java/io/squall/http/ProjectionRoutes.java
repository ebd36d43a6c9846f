package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathEnd;
import static akka.http.javadsl.server.Directives.pathPrefix;
import static akka.http.javadsl.server.Directives.post;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import io.squall.projections.AggregatesProjection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/projections}: each projection's versions, what they still have to write and a
 * rebuild's progress; {@code POST /api/v1/projections/aggregates/rebuild}: build the next version
 * from the devices' journals.
 */
public final class ProjectionRoutes {
  private final CompletionStage<AggregatesProjection> projection;
  private final ApiAuth auth;

  /** One projection as the API shows it. */
  public record Projection(String name, List<AggregatesProjection.VersionStatus> versions) {}

  public ProjectionRoutes(CompletionStage<AggregatesProjection> projection, ApiAuth auth) {
    this.projection = projection;
    this.auth = auth;
  }

  public Route routes() {
    return pathPrefix(
        "projections",
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                auth.require(Scope.READ, "GET /api/v1/projections", this::status))),
                path(
                    akka.http.javadsl.server.PathMatchers.segment(AggregatesProjection.NAME)
                        .slash("rebuild"),
                    () ->
                        post(
                            () ->
                                auth.require(
                                    Scope.ADMIN,
                                    "POST /api/v1/projections/aggregates/rebuild",
                                    this::rebuild)))));
  }

  private Route status() {
    return Starting.whenReady(
        projection,
        "the aggregates projection",
        ready ->
            onComplete(
                ready.status(),
                result ->
                    result.isFailure()
                        ? ApiFailures.toRoute(result.failed().get(), "Cassandra")
                        : complete(
                            StatusCodes.OK,
                            List.of(new Projection(AggregatesProjection.NAME, result.get())),
                            JsonSupport.marshaller())));
  }

  private Route rebuild() {
    return Starting.whenReady(
        projection,
        "the aggregates projection",
        ready ->
            onComplete(
                ready.rebuild(),
                result ->
                    result.isFailure()
                        ? ApiFailures.toRoute(result.failed().get(), "Cassandra")
                        : complete(
                            StatusCodes.ACCEPTED,
                            Map.of(
                                "projection",
                                AggregatesProjection.NAME,
                                "building",
                                result.get(),
                                "detail",
                                "version "
                                    + result.get()
                                    + " is built from every device's journal; reads switch"
                                    + " to it once every device is done"),
                            JsonSupport.marshaller())));
  }
}
