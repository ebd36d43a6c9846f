package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.kafka.ConsumerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import scala.Function1;

/**
 * The Kafka client's own metrics of the readings consumer: bound to the node's meters (records lag
 * per partition, fetch rates, commit latency: {@code kafka_consumer_*}), and read for the lag per
 * partition. Each restart of the consumer creates a new Kafka consumer; its metrics, and their
 * refresher, replace those of the one before. Metrics the client adds later (a partition's lag,
 * once assigned) appear within {@link #REFRESH}.
 */
final class KafkaConsumerMetrics {
  static final Duration REFRESH = Duration.ofSeconds(10);

  private KafkaConsumerMetrics() {}

  /** One consumer's metrics and the thread that refreshes them. */
  private record Bound(KafkaClientMetrics metrics, ScheduledExecutorService refresher) {
    void close() {
      metrics.close();
      refresher.shutdownNow();
    }
  }

  static <K, V> ConsumerSettings<K, V> bound(
      ActorSystem<?> system, ConsumerSettings<K, V> settings, MeterRegistry registry) {
    Function1<ConsumerSettings<K, V>, Consumer<K, V>> create = settings.consumerFactory();
    AtomicReference<Bound> current = new AtomicReference<>();
    system
        .getWhenTerminated()
        .thenRun(
            () -> {
              Bound last = current.getAndSet(null);
              if (last != null) {
                last.close();
              }
            });
    return settings.withConsumerFactory(
        effective -> {
          Consumer<K, V> consumer = create.apply(effective);
          ScheduledExecutorService refresher =
              Executors.newSingleThreadScheduledExecutor(
                  task -> {
                    Thread thread = new Thread(task, "squall-kafka-metrics");
                    thread.setDaemon(true);
                    return thread;
                  });
          Bound bound =
              new Bound(
                  new KafkaClientMetrics(consumer, Tags.empty(), refresher, REFRESH), refresher);
          Bound before = current.getAndSet(bound);
          if (before != null) {
            before.close();
          }
          bound.metrics().bindTo(registry);
          return consumer;
        });
  }

  /**
   * Records behind per assigned partition ({@code topic-partition}, by topic then partition
   * number), from the client's {@code records-lag}; partitions not fetched yet are left out.
   */
  static Map<String, Long> lag(Map<MetricName, Metric> metrics) {
    Map<String, Long> lag = new LinkedHashMap<>();
    metrics.entrySet().stream()
        .filter(
            metric ->
                metric.getKey().name().equals("records-lag")
                    && metric.getKey().tags().containsKey("partition")
                    && metric.getValue().metricValue() instanceof Double records
                    && !records.isNaN())
        .sorted(
            Comparator.comparing(
                    (Map.Entry<MetricName, Metric> metric) -> metric.getKey().tags().get("topic"))
                .thenComparingInt(
                    metric -> Integer.parseInt(metric.getKey().tags().get("partition"))))
        .forEach(
            metric ->
                lag.put(
                    metric.getKey().tags().get("topic")
                        + "-"
                        + metric.getKey().tags().get("partition"),
                    ((Double) metric.getValue().metricValue()).longValue()));
    return lag;
  }
}
