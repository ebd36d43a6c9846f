package io.squall.sharding;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.kafka.CommitterSettings;
import akka.kafka.ConsumerMessage;
import akka.kafka.ConsumerRebalanceEvent;
import akka.kafka.ConsumerSettings;
import akka.kafka.Subscriptions;
import akka.kafka.TopicPartitionsAssigned;
import akka.kafka.TopicPartitionsRevoked;
import akka.kafka.cluster.sharding.KafkaClusterSharding;
import akka.kafka.javadsl.Committer;
import akka.kafka.javadsl.Consumer;
import akka.stream.KillSwitches;
import akka.stream.RestartSettings;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceTenure;
import io.squall.persistence.NodeMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * This node's consumer of the readings topic: decode, group each batch by device, ask the devices'
 * entities, and commit the batch's offsets only once every reading in it is journaled and every bad
 * record is in the dead-letter topic. Up to {@code batches-in-flight} batches are in the entities
 * at once, their offsets committed in order; a device's part of a batch waits for its part of the
 * batch before (and does not run if that failed), so a device's readings are applied in offset
 * order. Back-pressure reaches the broker. Any failure restarts the consumer, with backoff, from
 * its last committed offset. This class wires the stream; {@link BatchDecoder}, {@link
 * DeviceOrder}, {@link DeviceRecorder} and {@link StallWatchdog} do the work.
 */
public final class ReadingsConsumer {
  private static final Logger log = LoggerFactory.getLogger(ReadingsConsumer.class);

  private final ActorSystem<?> system;
  private final IngestSettings settings;
  private final ConsumerSettings<String, byte[]> consumerSettings;
  private final ActorRef<ConsumerRebalanceEvent> rebalanceListener;
  private final DeadLetters deadLetters;
  private final IngestStats stats;
  private final BatchDecoder decoder;
  private final DeviceOrder order;
  private final StallWatchdog watchdog;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>();
  private final AtomicReference<UniqueKillSwitch> incarnation = new AtomicReference<>();

  private final CompletionStage<Done> done;

  private ReadingsConsumer(ActorSystem<?> system, IngestSettings settings) {
    this.system = system;
    this.settings = settings;
    this.stats = new IngestStats(NodeMetrics.get(system).registry());
    this.consumerSettings =
        KafkaConsumerMetrics.bound(
            system,
            DeviceSharding.consumerSettings(system, settings),
            NodeMetrics.get(system).registry());
    this.rebalanceListener =
        reportingTenure(
            system, KafkaClusterSharding.get(system).rebalanceListener(Device.ENTITY_KEY));
    this.deadLetters = new DeadLetters(system, settings);
    this.decoder =
        new BatchDecoder(settings.format(), settings.deadLetterTopic(), stats, deadLetters::send);
    this.order =
        new DeviceOrder(system, DeviceRecorder.ofEntities(system, settings, stats)::record);
    this.watchdog =
        new StallWatchdog(settings.stallTimeout(), stats, control::get, incarnation::get);
    RestartSettings restart =
        RestartSettings.create(settings.restartBackoffMin(), settings.restartBackoffMax(), 0.2);
    this.done =
        RestartSource.onFailuresWithBackoff(restart, this::incarnation)
            .runWith(Sink.ignore(), system);
    Duration check = settings.stallTimeout().dividedBy(4);
    system
        .scheduler()
        .scheduleAtFixedRate(check, check, watchdog::check, system.executionContext());
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseServiceUnbind(),
            "squall-drain-readings-consumer",
            this::drain);
  }

  /**
   * Starts this node's consumer; the Device sharding must be initialised first ({@link
   * DeviceSharding#init}).
   */
  public static ReadingsConsumer start(ActorSystem<?> system, IngestSettings settings) {
    log.info(
        "Consuming topic {} as group {} from {}",
        settings.topic(),
        settings.groupId(),
        settings.bootstrapServers());
    return new ReadingsConsumer(system, settings);
  }

  public IngestStats stats() {
    return stats;
  }

  /**
   * Records behind per assigned partition ({@code topic-partition}), as the Kafka client last saw
   * them; empty before the first fetch.
   */
  public CompletionStage<Map<String, Long>> lag() {
    Consumer.Control current = control.get();
    if (current == null) {
      return CompletableFuture.completedFuture(Map.of());
    }
    // a consumer between two incarnations may not answer: no figures rather than an error
    return current
        .getMetrics()
        .toCompletableFuture()
        .completeOnTimeout(Map.of(), 2, TimeUnit.SECONDS)
        .thenApply(KafkaConsumerMetrics::lag)
        .exceptionally(failure -> Map.of());
  }

  /**
   * {@code sharding}, told of each partition move only after {@link DeviceTenure} was: what the
   * node keeps in memory of its devices' rows is forgotten before their shards move.
   */
  private static ActorRef<ConsumerRebalanceEvent> reportingTenure(
      ActorSystem<?> system, ActorRef<ConsumerRebalanceEvent> sharding) {
    DeviceTenure tenure = DeviceTenure.get(system);
    return system.systemActorOf(
        Behaviors.receiveMessage(
            (ConsumerRebalanceEvent event) -> {
              if (event instanceof TopicPartitionsAssigned assigned) {
                tenure.assigned(numbers(assigned.topicPartitions()));
              } else if (event instanceof TopicPartitionsRevoked revoked) {
                tenure.revoked(numbers(revoked.topicPartitions()));
              }
              sharding.tell(event);
              return Behaviors.same();
            }),
        "device-tenure-" + UUID.randomUUID(),
        Props.empty());
  }

  private static List<Integer> numbers(scala.collection.immutable.Set<TopicPartition> partitions) {
    return CollectionConverters.asJava(partitions).stream().map(TopicPartition::partition).toList();
  }

  /** Completes when the consumer stopped for good (drained at shutdown). */
  public CompletionStage<Done> done() {
    return done;
  }

  private Source<Done, ?> incarnation() {
    stats.started();
    order.newIncarnation();
    return Consumer.committableSource(
            consumerSettings,
            Subscriptions.topics(settings.topic())
                .withRebalanceListener(Adapter.toClassic(rebalanceListener)))
        .mapMaterializedValue(
            c -> {
              control.set(c);
              return c;
            })
        .viaMat(KillSwitches.single(), Keep.right())
        .mapMaterializedValue(
            killSwitch -> {
              incarnation.set(killSwitch);
              return killSwitch;
            })
        .groupedWithin(settings.batchSize(), settings.batchWait())
        .mapAsync(settings.batchesInFlight(), this::process)
        .via(Committer.flow(CommitterSettings.create(system)));
  }

  /**
   * Decodes a batch, records each device's part in order and dead-letters the bad records; the
   * batch's offsets once all of that is done.
   */
  private CompletionStage<ConsumerMessage.Committable> process(
      List<ConsumerMessage.CommittableMessage<String, byte[]>> batch) {
    return watchdog.watch(started -> recordBatch(batch, started));
  }

  private CompletionStage<ConsumerMessage.Committable> recordBatch(
      List<ConsumerMessage.CommittableMessage<String, byte[]>> batch, long startedNanos) {
    BatchDecoder.Decoded decoded =
        decoder.decode(batch.stream().map(ConsumerMessage.CommittableMessage::record).toList());
    return order
        .record(decoded.parts(), settings.parallelism())
        .thenCombine(
            decoded.deadLettered(),
            (recordedAll, deadLettersDone) -> {
              int recorded = 0;
              int duplicates = 0;
              int redelivered = 0;
              for (Device.Recorded answer : recordedAll) {
                recorded += answer.recorded();
                duplicates += answer.duplicates();
                redelivered += answer.redelivered();
              }
              stats.batchDone(batch.size(), recorded, duplicates, redelivered, startedNanos);
              return ConsumerMessage.createCommittableOffsetBatch(
                  batch.stream()
                      .map(ConsumerMessage.CommittableMessage::committableOffset)
                      .toList());
            });
  }

  /**
   * Stops taking records, lets in-flight batches finish and commit, then closes the consumer
   * without waiting for it (its group leave can wait on the cluster's own shutdown).
   */
  private CompletionStage<Done> drain() {
    Consumer.Control current = control.get();
    if (current == null) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    log.info("Draining the readings consumer: no new records, in-flight batches finish and commit");
    return current
        .stop()
        .thenCompose(stopped -> done)
        .handle(
            (ok, failure) -> {
              log.info("Readings consumer drained{}", failure == null ? "" : " (" + failure + ")");
              current.shutdown();
              return Done.getInstance();
            });
  }
}
