package io.squall.sharding;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.kafka.ProducerSettings;
import akka.kafka.javadsl.SendProducer;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The node's Kafka clients besides its consumer, built once from the ingest settings and closed
 * when the node stops: one producer, for the readings {@code POST /api/v1/readings} accepts and for
 * dead letters, and one admin client, for topics and health checks. The producer waits for every
 * in-sync replica and is idempotent, so what it reports sent is kept once; it gives up within
 * seconds, so an outage is an error a caller can report rather than a request left hanging.
 */
public final class KafkaClients implements Extension {
  private static final ExtensionId<KafkaClients> ID =
      new ExtensionId<>() {
        @Override
        public KafkaClients createExtension(ActorSystem<?> system) {
          return new KafkaClients(system, IngestSettings.create(system.settings().config()));
        }
      };

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  private final SendProducer<String, byte[]> producer;
  private final Admin admin;

  private KafkaClients(ActorSystem<?> system, IngestSettings settings) {
    this.producer = new SendProducer<>(producerSettings(system, settings), system);
    this.admin = Admin.create(adminProperties(settings));
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "squall-close-kafka-clients",
            () -> {
              // each closed on its own, each within the phase's time
              CompletableFuture<?> producerClosed = producer.close().toCompletableFuture();
              CompletableFuture<?> adminClosed =
                  CompletableFuture.runAsync(() -> admin.close(CLOSE_TIMEOUT));
              return CompletableFuture.allOf(producerClosed, adminClosed)
                  .handle((closed, failure) -> Done.getInstance());
            });
  }

  public static KafkaClients get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  public SendProducer<String, byte[]> producer() {
    return producer;
  }

  public Admin admin() {
    return admin;
  }

  /** What every admin client of Squall is built with (the node's, and the command-line tools'). */
  public static Properties adminProperties(IngestSettings settings) {
    Properties props = settings.kafka().toProperties();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    return props;
  }

  private static ProducerSettings<String, byte[]> producerSettings(
      ActorSystem<?> system, IngestSettings settings) {
    return settings
        .kafka()
        .applyTo(ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer()))
        .withProperty(ProducerConfig.ACKS_CONFIG, "all")
        .withProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
        .withProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000")
        .withProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000")
        .withProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000")
        .withCloseTimeout(CLOSE_TIMEOUT);
  }
}
