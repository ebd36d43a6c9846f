package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.kafka.ProducerSettings;
import akka.kafka.javadsl.SendProducer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bad records go, unchanged, to the dead-letter topic, with headers naming the reason and where
 * they came from: {@code squall.reason}, {@code squall.source.topic}, {@code
 * squall.source.partition}, {@code squall.source.offset}, {@code squall.failed-at}.
 */
public final class DeadLetters {
  public static final String REASON = "squall.reason";
  public static final String SOURCE_TOPIC = "squall.source.topic";
  public static final String SOURCE_PARTITION = "squall.source.partition";
  public static final String SOURCE_OFFSET = "squall.source.offset";
  public static final String FAILED_AT = "squall.failed-at";

  private final String topic;
  private final SendProducer<String, byte[]> producer;

  public DeadLetters(ActorSystem<?> system, IngestSettings settings) {
    this.topic = settings.deadLetterTopic();
    this.producer =
        new SendProducer<>(
            ProducerSettings.create(system, new StringSerializer(), new ByteArraySerializer())
                .withBootstrapServers(settings.bootstrapServers()),
            system);
  }

  /** Completes once the broker has the dead letter. */
  public CompletionStage<RecordMetadata> send(
      ConsumerRecord<String, byte[]> record, String reason) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, bytes(reason));
    headers.add(SOURCE_TOPIC, bytes(record.topic()));
    headers.add(SOURCE_PARTITION, bytes(Integer.toString(record.partition())));
    headers.add(SOURCE_OFFSET, bytes(Long.toString(record.offset())));
    headers.add(FAILED_AT, bytes(Instant.now().toString()));
    return producer.send(new ProducerRecord<>(topic, null, record.key(), record.value(), headers));
  }

  public CompletionStage<akka.Done> close() {
    return producer.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
