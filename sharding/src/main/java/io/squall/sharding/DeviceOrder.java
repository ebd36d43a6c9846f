package io.squall.sharding;

import akka.actor.ClassicActorSystemProvider;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.squall.persistence.Device;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Keeps each device's readings in offset order across the batches in flight: a device's part of a
 * batch is recorded only after its part of the batch before, and not at all if that failed in the
 * same incarnation of the consumer.
 */
final class DeviceOrder {
  private final ClassicActorSystemProvider system;
  private final Function<DevicePart, CompletionStage<Device.Recorded>> recorder;

  /** Per device, its part of the latest batch: the next batch's part runs after it. */
  private final Map<String, Part> latestByDevice = new ConcurrentHashMap<>();

  /** Counts the consumer's incarnations (restarts), so a part knows whose failure it follows. */
  private final AtomicLong incarnations = new AtomicLong();

  DeviceOrder(
      ClassicActorSystemProvider system,
      Function<DevicePart, CompletionStage<Device.Recorded>> recorder) {
    this.system = system;
    this.recorder = recorder;
  }

  /**
   * The consumer starts again from its last commit: parts of older incarnations are not waited on.
   */
  void newIncarnation() {
    incarnations.incrementAndGet();
  }

  /**
   * Records a batch's parts, each after its device's part of the batch before, at most {@code
   * parallelism} at once; the answers, or the first failure.
   */
  CompletionStage<List<Device.Recorded>> record(List<DevicePart> parts, int parallelism) {
    // A device has one part per batch, chained here, in batch order, after its part of the
    // batch before, so its records reach its entity in offset order; at most `parallelism` asks
    // of this batch are in flight. Every part is taken, even after one failed, so that every
    // part a later batch may wait for completes; then the batch fails with the first failure.
    long incarnation = incarnations.get();
    List<Ordered> ordered = parts.stream().map(part -> afterPrevious(part, incarnation)).toList();
    return Source.from(ordered)
        .mapAsyncUnordered(parallelism, part -> recordInOrder(part).handle(Attempt::new))
        .runWith(Sink.seq(), system)
        .thenApply(DeviceOrder::allOrFirstFailure);
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
      DevicePart part, CompletionStage<?> previous, CompletableFuture<Device.Recorded> outcome) {}

  /**
   * Chains a part after the device's part of the batch before. A failure of that part stops this
   * one in the same incarnation (the stream fails and redelivers both, in order); a new incarnation
   * only waits for an old part to end, since it redelivers from the last commit itself.
   */
  private Ordered afterPrevious(DevicePart devicePart, long incarnation) {
    Part part = new Part(incarnation, new CompletableFuture<>());
    Part previous = latestByDevice.put(devicePart.deviceId(), part);
    part.outcome()
        .whenComplete((answer, failure) -> latestByDevice.remove(devicePart.deviceId(), part));
    CompletionStage<?> after;
    if (previous == null) {
      after = CompletableFuture.completedFuture(null);
    } else if (previous.incarnation() == incarnation) {
      after = previous.outcome();
    } else {
      after = previous.outcome().handle((answer, failure) -> null);
    }
    return new Ordered(devicePart, after, part.outcome());
  }

  /** Records the part once its device's previous part is journaled; not at all if that failed. */
  private CompletionStage<Device.Recorded> recordInOrder(Ordered ordered) {
    ordered
        .previous()
        .thenCompose(before -> recorder.apply(ordered.part()))
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
}
