package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.kafka.ConsumerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import scala.Function1;

/**
 * Binds the Kafka client's own metrics (records lag per partition, fetch rates, commit latency:
 * {@code kafka_consumer_*}) of the readings consumer to the node's meters. Each restart of the
 * consumer creates a new Kafka consumer; its metrics replace those of the one before. Metrics the
 * client adds later (a partition's lag, once assigned) appear within {@link #REFRESH}.
 */
final class KafkaConsumerMetrics {
  static final Duration REFRESH = Duration.ofSeconds(10);

  private KafkaConsumerMetrics() {}

  static <K, V> ConsumerSettings<K, V> bound(
      ActorSystem<?> system, ConsumerSettings<K, V> settings, MeterRegistry registry) {
    Function1<ConsumerSettings<K, V>, Consumer<K, V>> create = settings.consumerFactory();
    AtomicReference<KafkaClientMetrics> current = new AtomicReference<>();
    ScheduledExecutorService refresher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "squall-kafka-metrics");
              thread.setDaemon(true);
              return thread;
            });
    system.getWhenTerminated().thenRun(refresher::shutdownNow);
    return settings.withConsumerFactory(
        effective -> {
          Consumer<K, V> consumer = create.apply(effective);
          KafkaClientMetrics metrics =
              new KafkaClientMetrics(consumer, Tags.empty(), refresher, REFRESH);
          KafkaClientMetrics before = current.getAndSet(metrics);
          if (before != null) {
            before.close();
          }
          metrics.bindTo(registry);
          return consumer;
        });
  }
}
