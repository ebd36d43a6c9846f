package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.pathPrefix;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.squall.projections.Aggregates;
import io.squall.projections.AggregatesProjection;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.ReadingsConsumer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Every route of the v1 API under {@code /api/v1}, as the OpenAPI document lists them. */
public final class ApiRoutes {
  /** The endpoints this class serves; {@code openapi.yaml} must list exactly these. */
  public static final List<String> ENDPOINTS =
      List.of(
          "GET /api/v1/health",
          "GET /api/v1/devices/{id}",
          "GET /api/v1/devices/{id}/daily",
          "GET /api/v1/devices/{id}/monthly",
          "GET /api/v1/devices/{id}/top",
          "POST /api/v1/readings",
          "GET /api/v1/ingest",
          "GET /api/v1/projections",
          "POST /api/v1/projections/aggregates/rebuild",
          "GET /api/v1/openapi.yaml");

  private ApiRoutes() {}

  public static Route create(
      ActorSystem<?> system,
      HttpSettings settings,
      IngestSettings ingest,
      Health health,
      CompletionStage<Optional<ReadingsConsumer>> devices,
      CompletionStage<AggregatesProjection> projection) {
    return create(
        system,
        settings,
        ApiAuth.create(system, settings.auth()),
        ingest,
        health,
        devices,
        projection.thenApply(AggregatesProjection::aggregates),
        projection);
  }

  /**
   * The routes with who may call them and the aggregates' reads given apart (tests use fixed tokens
   * and a fake repository).
   */
  public static Route create(
      ActorSystem<?> system,
      HttpSettings settings,
      ApiAuth auth,
      IngestSettings ingest,
      Health health,
      CompletionStage<Optional<ReadingsConsumer>> devices,
      CompletionStage<Aggregates> aggregates,
      CompletionStage<AggregatesProjection> projection) {
    DeviceRoutes state = new DeviceRoutes(system, settings.askTimeout());
    AggregateRoutes figures = new AggregateRoutes(system, aggregates, settings);
    IngestRoutes ingestion = new IngestRoutes(system, ingest, settings, auth, devices);
    ProjectionRoutes projections = new ProjectionRoutes(projection, auth);
    Route v1 =
        concat(
            new HealthRoutes(health).v1(),
            pathPrefix(
                "devices",
                () ->
                    pathPrefix(
                        PathMatchers.segment(),
                        id ->
                            auth.require(
                                Scope.READ,
                                "GET /api/v1/devices/{id}",
                                () ->
                                    Starting.whenReady(
                                        devices,
                                        "device sharding",
                                        ready -> concat(state.routes(id), figures.routes(id)))))),
            ingestion.routes(),
            new IngestStatusRoutes(devices, auth).routes(),
            projections.routes(),
            path("openapi.yaml", () -> get(() -> complete(openApi()))));
    return pathPrefix("api", () -> pathPrefix("v1", () -> v1));
  }

  static HttpResponse openApi() {
    try (InputStream in = ApiRoutes.class.getResourceAsStream("openapi.yaml")) {
      byte[] yaml = in.readAllBytes();
      return HttpResponse.create()
          .withEntity(
              HttpEntities.create(
                  ContentTypes.create(
                      MediaTypes.applicationWithOpenCharset("yaml"),
                      akka.http.javadsl.model.HttpCharsets.UTF_8),
                  yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
