package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.onSuccess;
import static akka.http.javadsl.server.Directives.path;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import io.squall.sharding.IngestStats;
import io.squall.sharding.ReadingsConsumer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/ingest}: what this node's consumer has taken from the readings topic since it
 * started, and how far behind it is per partition (the dashboard's live ingest rate and lag).
 */
final class IngestStatusRoutes {
  private final CompletionStage<Optional<ReadingsConsumer>> consumer;
  private final ApiAuth auth;

  /** The answer; {@code consuming} is false on a node whose ingestion is switched off. */
  record Status(
      boolean consuming, IngestStats.Snapshot counts, long lagRecords, Map<String, Long> lag) {}

  IngestStatusRoutes(CompletionStage<Optional<ReadingsConsumer>> consumer, ApiAuth auth) {
    this.consumer = consumer;
    this.auth = auth;
  }

  Route routes() {
    return path(
        "ingest",
        () ->
            get(
                () ->
                    auth.require(
                        Scope.READ,
                        "GET /api/v1/ingest",
                        () ->
                            Starting.whenReady(
                                consumer,
                                "the readings consumer",
                                running ->
                                    running
                                        .map(this::status)
                                        .orElseGet(
                                            () ->
                                                complete(
                                                    StatusCodes.OK,
                                                    new Status(false, null, 0, Map.of()),
                                                    JsonSupport.marshaller()))))));
  }

  private Route status(ReadingsConsumer running) {
    return onSuccess(
        running.lag(),
        lag ->
            complete(
                StatusCodes.OK,
                new Status(
                    true,
                    running.stats().snapshot(),
                    lag.values().stream().mapToLong(Long::longValue).sum(),
                    lag),
                JsonSupport.marshaller()));
  }
}
