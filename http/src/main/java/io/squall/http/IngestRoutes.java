package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.entity;
import static akka.http.javadsl.server.Directives.extractRequestEntity;
import static akka.http.javadsl.server.Directives.onComplete;
import static akka.http.javadsl.server.Directives.path;
import static akka.http.javadsl.server.Directives.post;
import static akka.http.javadsl.server.Directives.withSizeLimit;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.kafka.javadsl.SendProducer;
import io.squall.sharding.BadBodyException;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.KafkaClients;
import io.squall.sharding.KafkaUnavailableException;
import io.squall.sharding.ReadingsBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code POST /api/v1/readings}: ISD-lite lines ({@code text/csv}) or JSON (one reading or an
 * array). Every valid reading goes to the readings topic with acks=all; the 202 comes only once the
 * broker has them all, so nothing accepted is ever lost. Rejected lines are listed with reasons.
 * The body is decoded by {@link ReadingsBody}, with the consumer's own limits. Nothing is sent
 * before the node has made its topics (a producer writing to a topic that does not exist yet would
 * have the broker create it with the broker's defaults, or race its leaders): a request that comes
 * while they are made waits up to {@link #TOPICS_PATIENCE}, then is answered 503.
 */
public final class IngestRoutes {
  static final Duration TOPICS_PATIENCE = Duration.ofSeconds(5);

  private final IngestSettings ingest;
  private final HttpSettings settings;
  private final CompletionStage<?> ingestion;
  private final SendProducer<String, byte[]> producer;
  private final ApiAuth auth;

  /**
   * The answer of an accepted request: the first 100 rejected lines (1-based) or array elements,
   * with why; {@code rejectedCount} counts them all.
   */
  public record Accepted(int accepted, List<ReadingsBody.Rejected> rejected, int rejectedCount) {}

  /**
   * {@code ingestion} completes once the node made its readings and dead-letter topics (their
   * partitions led) and started its device shards on them.
   */
  public IngestRoutes(
      ActorSystem<?> system,
      IngestSettings ingest,
      HttpSettings settings,
      ApiAuth auth,
      CompletionStage<?> ingestion) {
    this.ingest = ingest;
    this.ingestion = ingestion;
    this.auth = auth;
    this.settings = settings;
    this.producer = KafkaClients.get(system).producer();
  }

  public Route routes() {
    return path(
        "readings",
        () -> post(() -> auth.require(Scope.WRITE, "POST /api/v1/readings", this::accept)));
  }

  private Route accept() {
    return withSizeLimit(
        settings.maxBody(),
        () ->
            extractRequestEntity(
                requestEntity ->
                    entity(Unmarshaller.entityToString(), body -> ingest(requestEntity, body))));
  }

  private Route ingest(HttpEntity requestEntity, String body) {
    var mediaType = requestEntity.getContentType().mediaType();
    ReadingsBody.Decoded decoded;
    try {
      if (mediaType.equals(MediaTypes.TEXT_CSV) || mediaType.equals(MediaTypes.TEXT_PLAIN)) {
        decoded = ReadingsBody.isdLite(body);
      } else if (mediaType.equals(MediaTypes.APPLICATION_JSON)) {
        decoded = ReadingsBody.json(body);
      } else {
        return JsonSupport.error(
            StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "unsupported media type",
            "send text/csv (ISD-lite lines) or application/json (a reading or an array of readings)");
      }
    } catch (BadBodyException e) {
      return e.tooLarge()
          ? JsonSupport.error(StatusCodes.PAYLOAD_TOO_LARGE, "content too large", e.getMessage())
          : JsonSupport.error(StatusCodes.BAD_REQUEST, "bad request", e.getMessage());
    }
    List<ReadingsBody.Valid> valid = decoded.valid();
    List<ReadingsBody.Rejected> rejected = decoded.rejected();
    if (valid.isEmpty()) {
      return JsonSupport.error(
          StatusCodes.BAD_REQUEST,
          "bad request",
          rejected.isEmpty()
              ? "the body holds no reading"
              : "no valid reading; first problem, line "
                  + rejected.get(0).line()
                  + ": "
                  + rejected.get(0).reason());
    }
    // the body is read first: a request entity must be consumed within seconds
    return Starting.waitingFor(
        ingestion,
        TOPICS_PATIENCE,
        "ingestion into Kafka at " + ingest.bootstrapServers(),
        made -> send(decoded));
  }

  private Route send(ReadingsBody.Decoded decoded) {
    List<ReadingsBody.Valid> valid = decoded.valid();
    List<CompletableFuture<?>> sends = new ArrayList<>();
    for (int i = 0; i < valid.size(); i++) {
      sends.add(
          producer
              .send(
                  new ProducerRecord<>(
                      ingest.topic(), valid.get(i).reading().deviceId(), valid.get(i).value()))
              .toCompletableFuture());
    }
    CompletionStage<Void> acked = CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    int accepted = valid.size();
    return onComplete(
        acked,
        done -> {
          if (done.isFailure()) {
            return ApiFailures.toRoute(
                new KafkaUnavailableException(
                    "Kafka at "
                        + ingest.bootstrapServers()
                        + " did not take the readings; nothing of this request is guaranteed, send it again",
                    ApiFailures.unwrap(done.failed().get())),
                "Kafka");
          }
          return complete(
              StatusCodes.ACCEPTED,
              new Accepted(accepted, decoded.rejected(), decoded.rejectedCount()),
              JsonSupport.marshaller());
        });
  }
}
