package io.squall.sharding;

import akka.kafka.javadsl.Consumer;
import akka.stream.UniqueKillSwitch;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts the consumer from its last commit when it is stuck: a batch in the entities for longer
 * than {@code stall-timeout}, or no batch completed for that long while records wait (a consumer
 * that neither fails nor moves would otherwise hold its partitions forever).
 */
final class StallWatchdog {
  // the consumer's log lines keep the logger they always had
  private static final Logger log = LoggerFactory.getLogger(ReadingsConsumer.class);

  private final Duration stallTimeout;
  private final IngestStats stats;
  private final Supplier<Consumer.Control> control;
  private final Supplier<UniqueKillSwitch> incarnation;

  /** When each batch now in the entities started. */
  private final Map<Object, Long> batchesStartedNanos = new ConcurrentHashMap<>();

  StallWatchdog(
      Duration stallTimeout,
      IngestStats stats,
      Supplier<Consumer.Control> control,
      Supplier<UniqueKillSwitch> incarnation) {
    this.stallTimeout = stallTimeout;
    this.stats = stats;
    this.control = control;
    this.incarnation = incarnation;
  }

  /** Runs a batch, given the time it started, and watches it until it completes. */
  <T> CompletionStage<T> watch(LongFunction<CompletionStage<T>> batch) {
    Object batchToken = new Object();
    long started = System.nanoTime();
    batchesStartedNanos.put(batchToken, started);
    try {
      return batch
          .apply(started)
          .whenComplete((result, failure) -> batchesStartedNanos.remove(batchToken));
    } catch (RuntimeException e) {
      batchesStartedNanos.remove(batchToken);
      throw e;
    }
  }

  /** One look, every quarter of the stall timeout. */
  void check() {
    long stalledFor = stats.nanosSinceProgress();
    long batchFor =
        batchesStartedNanos.values().stream()
            .mapToLong(started -> System.nanoTime() - started)
            .max()
            .orElse(0);
    long limit = stallTimeout.toNanos();
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
}
