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
import io.squall.projections.ProjectionLag;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/projections}: each projection's versions and how far each slice has come;
 * {@code POST /api/v1/projections/aggregates/rebuild}: build the next version from the journal.
 */
public final class ProjectionRoutes {
  private final CompletionStage<AggregatesProjection> projection;
  private final ApiAuth auth;

  /** One projection as the API shows it. */
  public record Projection(String name, int slices, List<ProjectionLag.VersionStatus> versions) {}

  public ProjectionRoutes(CompletionStage<AggregatesProjection> projection, ApiAuth auth) {
    this.projection = projection;
    this.auth = auth;
  }

  public Route routes(int slices) {
    return pathPrefix(
        "projections",
        () ->
            concat(
                pathEnd(
                    () ->
                        get(
                            () ->
                                auth.require(
                                    Scope.READ, "GET /api/v1/projections", () -> status(slices)))),
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

  private Route status(int slices) {
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
                            List.of(
                                new Projection(AggregatesProjection.NAME, slices, result.get())),
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
                                    + " is built from the start of the journal; reads switch"
                                    + " to it once it has caught up"),
                            JsonSupport.marshaller())));
  }
}
