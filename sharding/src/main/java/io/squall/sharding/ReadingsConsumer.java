package io.squall.sharding;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.kafka.CommitterSettings;
import akka.kafka.ConsumerMessage;
import akka.kafka.ConsumerRebalanceEvent;
import akka.kafka.ConsumerSettings;
import akka.kafka.Subscriptions;
import akka.kafka.cluster.sharding.KafkaClusterSharding;
import akka.kafka.javadsl.Committer;
import akka.kafka.javadsl.Consumer;
import akka.pattern.Patterns;
import akka.stream.KillSwitches;
import akka.stream.RestartSettings;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.RestartSource;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.squall.persistence.Device;
import io.squall.persistence.NodeMetrics;
import io.squall.persistence.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's consumer of the readings topic: decode, group each batch by device, ask the devices'
 * entities, and commit the batch's offsets only once every reading in it is journaled and every bad
 * record is in the dead-letter topic. Up to {@code batches-in-flight} batches are in the entities
 * at once, their offsets committed in order; a device's part of a batch waits for its part of the
 * batch before (and does not run if that failed), so a device's readings are applied in offset
 * order. Back-pressure reaches the broker. Any failure restarts the consumer, with backoff, from
 * its last committed offset.
 */
public final class ReadingsConsumer {
  private static final Logger log = LoggerFactory.getLogger(ReadingsConsumer.class);

  private final ActorSystem<?> system;
  private final IngestSettings settings;
  private final ConsumerSettings<String, byte[]> consumerSettings;
  private final ActorRef<ConsumerRebalanceEvent> rebalanceListener;
  private final DeadLetters deadLetters;
  private final IngestStats stats;
  private final AtomicReference<Consumer.Control> control = new AtomicReference<>();
  private final AtomicReference<UniqueKillSwitch> incarnation = new AtomicReference<>();

  /** When each batch now in the entities started. */
  private final Map<Object, Long> batchesStartedNanos = new ConcurrentHashMap<>();

  /** Per device, its part of the latest batch: the next batch's part runs after it. */
  private final Map<String, Part> latestByDevice = new ConcurrentHashMap<>();

  /** Counts this consumer's incarnations (restarts), so a part knows whose failure it follows. */
  private final AtomicLong incarnations = new AtomicLong();

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
    this.rebalanceListener = KafkaClusterSharding.get(system).rebalanceListener(Device.ENTITY_KEY);
    this.deadLetters = new DeadLetters(system, settings);
    RestartSettings restart =
        RestartSettings.create(settings.restartBackoffMin(), settings.restartBackoffMax(), 0.2);
    this.done =
        RestartSource.onFailuresWithBackoff(restart, this::incarnation)
            .runWith(Sink.ignore(), system);
    Duration check = settings.stallTimeout().dividedBy(4);
    system
        .scheduler()
        .scheduleAtFixedRate(check, check, this::checkStalled, system.executionContext());
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

  /** Completes when the consumer stopped for good (drained at shutdown). */
  public CompletionStage<Done> done() {
    return done;
  }

  private Source<Done, ?> incarnation() {
    stats.started();
    incarnations.incrementAndGet();
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

  /** A device's part of a batch: its readings and their offsets, from one partition. */
  private record Group(
      String deviceId, String topicPartition, List<Reading> readings, List<Long> offsets) {
    Group(String deviceId, String topicPartition) {
      this(deviceId, topicPartition, new ArrayList<>(), new ArrayList<>());
    }

    void add(Reading reading, long offset) {
      readings.add(reading);
      offsets.add(offset);
    }
  }

  private CompletionStage<ConsumerMessage.Committable> process(
      List<ConsumerMessage.CommittableMessage<String, byte[]>> batch) {
    Object batchToken = new Object();
    long started = System.nanoTime();
    batchesStartedNanos.put(batchToken, started);
    try {
      return recordBatch(batch, started)
          .whenComplete((offsets, failure) -> batchesStartedNanos.remove(batchToken));
    } catch (RuntimeException e) {
      batchesStartedNanos.remove(batchToken);
      throw e;
    }
  }

  private CompletionStage<ConsumerMessage.Committable> recordBatch(
      List<ConsumerMessage.CommittableMessage<String, byte[]>> batch, long startedNanos) {
    Map<String, Group> groups = new LinkedHashMap<>();
    List<CompletableFuture<?>> deadLettered = new ArrayList<>();
    for (ConsumerMessage.CommittableMessage<String, byte[]> message : batch) {
      ConsumerRecord<String, byte[]> record = message.record();
      try {
        Reading reading = settings.format().decode(record.value());
        String topicPartition = record.topic() + "-" + record.partition();
        groups
            .computeIfAbsent(
                reading.deviceId() + '\u0000' + topicPartition,
                key -> new Group(reading.deviceId(), topicPartition))
            .add(reading, record.offset());
      } catch (BadReadingException e) {
        log.warn(
            "Bad record at topic {} partition {} offset {} goes to {}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            settings.deadLetterTopic(),
            e.getMessage());
        stats.deadLetter(e.kind());
        deadLettered.add(deadLetters.send(record, e.getMessage()).toCompletableFuture());
      }
    }
    // A device has one group per batch, chained here, in batch order, after its group of the
    // batch before, so its records reach its entity in offset order; at most `parallelism` asks
    // of this batch are in flight. Every group is taken, even after one failed, so that every
    // part a later batch may wait for completes; then the batch fails with the first failure.
    long incarnation = incarnations.get();
    List<Ordered> ordered =
        groups.values().stream().map(group -> afterPrevious(group, incarnation)).toList();
    CompletionStage<List<Device.Recorded>> answers =
        Source.from(ordered)
            .mapAsyncUnordered(
                settings.parallelism(), part -> recordInOrder(part).handle(Attempt::new))
            .runWith(Sink.seq(), system)
            .thenApply(ReadingsConsumer::allOrFirstFailure);
    return answers.thenCombine(
        CompletableFuture.allOf(deadLettered.toArray(CompletableFuture[]::new)),
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
          ConsumerMessage.Committable offsets =
              ConsumerMessage.createCommittableOffsetBatch(
                  batch.stream()
                      .map(ConsumerMessage.CommittableMessage::committableOffset)
                      .toList());
          return offsets;
        });
  }

  /** A part's answer, or why it has none. */
  private record Attempt(Device.Recorded answer, Throwable failure) {}

  private static List<Device.Recorded> allOrFirstFailure(List<Attempt> attempts) {
    for (Attempt attempt : attempts) {
      if (attempt.failure() != null) {
        throw attempt.failure() instanceof CompletionException failed
            ? failed
            : new CompletionException(attempt.failure());
      }
    }
    return attempts.stream().map(Attempt::answer).toList();
  }

  /** A device's part of a batch, as the next batch's part of the device sees it. */
  private record Part(long incarnation, CompletableFuture<Device.Recorded> outcome) {}

  /** A device's part of a batch and what it waits for before it is asked of the entity. */
  private record Ordered(
      Group group, CompletionStage<?> previous, CompletableFuture<Device.Recorded> outcome) {}

  /**
   * Chains a group after the device's part of the batch before. A failure of that part stops this
   * one in the same incarnation (the stream fails and redelivers both, in order); a new incarnation
   * only waits for an old part to end, since it redelivers from the last commit itself.
   */
  private Ordered afterPrevious(Group group, long incarnation) {
    Part part = new Part(incarnation, new CompletableFuture<>());
    Part previous = latestByDevice.put(group.deviceId(), part);
    part.outcome().whenComplete((answer, failure) -> latestByDevice.remove(group.deviceId(), part));
    CompletionStage<?> after;
    if (previous == null) {
      after = CompletableFuture.completedFuture(null);
    } else if (previous.incarnation() == incarnation) {
      after = previous.outcome();
    } else {
      after = previous.outcome().handle((answer, failure) -> null);
    }
    return new Ordered(group, after, part.outcome());
  }

  /** Records the group once its device's previous part is journaled; not at all if that failed. */
  private CompletionStage<Device.Recorded> recordInOrder(Ordered ordered) {
    ordered
        .previous()
        .thenCompose(before -> record(ordered.group()))
        .whenComplete(
            (answer, failure) -> {
              if (failure == null) {
                ordered.outcome().complete(answer);
              } else {
                ordered.outcome().completeExceptionally(failure);
              }
            });
    return ordered.outcome();
  }

  /**
   * Records a device's part of a batch, in chunks of at most {@code max-readings-per-event}
   * readings, one after the other (journal events and tag writes stay small).
   */
  private CompletionStage<Device.Recorded> record(Group group) {
    CompletionStage<Device.Recorded> total =
        CompletableFuture.completedFuture(new Device.Recorded(0, 0, 0));
    int chunk = settings.maxReadingsPerEvent();
    for (int from = 0; from < group.readings().size(); from += chunk) {
      int to = Math.min(from + chunk, group.readings().size());
      List<Reading> readings = List.copyOf(group.readings().subList(from, to));
      Device.Origin origin =
          new Device.Origin(group.topicPartition(), List.copyOf(group.offsets().subList(from, to)));
      total =
          total.thenCompose(
              sum ->
                  record(group.deviceId(), readings, origin)
                      .thenApply(
                          more ->
                              new Device.Recorded(
                                  sum.recorded() + more.recorded(),
                                  sum.duplicates() + more.duplicates(),
                                  sum.redelivered() + more.redelivered())));
    }
    return total;
  }

  private CompletionStage<Device.Recorded> record(
      String deviceId, List<Reading> readings, Device.Origin origin) {
    EntityRef<Device.Command> device =
        ClusterSharding.get(system).entityRefFor(Device.ENTITY_KEY, deviceId);
    return Patterns.retry(
        () -> {
          long asked = System.nanoTime();
          return device
              .<Device.Recorded>askWithStatus(
                  replyTo -> new Device.Record(readings, origin, replyTo), settings.askTimeout())
              .whenComplete(
                  (answer, failure) -> {
                    stats.asked(asked);
                    if (failure != null) {
                      log.warn(
                          "Device {} did not record {} readings of {} offsets {}..{}: {}",
                          deviceId,
                          readings.size(),
                          origin.topicPartition(),
                          origin.offsets().get(0),
                          origin.offsets().get(origin.offsets().size() - 1),
                          failure.toString());
                    }
                  });
        },
        settings.askAttempts(),
        settings.askRetryDelay(),
        system.classicSystem().scheduler(),
        system.executionContext());
  }

  private void checkStalled() {
    long stalledFor = stats.nanosSinceProgress();
    long batchFor =
        batchesStartedNanos.values().stream()
            .mapToLong(started -> System.nanoTime() - started)
            .max()
            .orElse(0);
    long limit = settings.stallTimeout().toNanos();
    Consumer.Control current = control.get();
    if (batchFor > limit) {
      restartStalled("a batch has been in the entities for " + Duration.ofNanos(batchFor));
    } else if (stalledFor > limit && current != null) {
      current
          .getMetrics()
          .thenAccept(
              metrics ->
                  metrics.forEach(
                      (name, metric) -> {
                        if (name.name().equals("records-lag-max")
                            && metric.metricValue() instanceof Double lag
                            && lag > 0) {
                          restartStalled(
                              "no batch completed for "
                                  + Duration.ofNanos(stalledFor)
                                  + " while "
                                  + lag.longValue()
                                  + " records wait");
                        }
                      }));
    }
  }

  private void restartStalled(String why) {
    UniqueKillSwitch current = incarnation.get();
    if (current != null) {
      log.warn("The readings consumer is stalled ({}); restarting it from its last commit", why);
      stats.stalled();
      stats.progressed();
      batchesStartedNanos.clear();
      current.abort(new ConsumerStalledException(why));
    }
  }

  /**
   * Stops taking records, lets in-flight batches finish and commit, then closes the consumer
   * without waiting for it (its group leave can wait on the cluster's own shutdown).
   */
  private CompletionStage<Done> drain() {
    Consumer.Control current = control.get();
    if (current == null) {
      return deadLetters.close();
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
            })
        .thenCompose(d -> deadLetters.close());
  }
}
