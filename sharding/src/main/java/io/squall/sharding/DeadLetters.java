package io.squall.sharding;

import akka.actor.typed.ActorSystem;
import akka.kafka.javadsl.SendProducer;
import io.squall.persistence.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Bad records go, unchanged, to the dead-letter topic, with headers naming the reason and where
 * they came from: {@code squall.reason}, {@code squall.source.topic}, {@code
 * squall.source.partition}, {@code squall.source.offset}, {@code squall.failed-at}. A dead letter
 * is always small enough to send: the reason is cut at 1 KiB, and a value over the record limit
 * ({@link Reading.Limits#MAX_RECORD_BYTES}) or a key over 1 KiB is left out, its size in {@code
 * squall.value-omitted} or {@code squall.key-omitted}; the source headers still locate it.
 */
public final class DeadLetters {
  public static final String REASON = "squall.reason";
  public static final String SOURCE_TOPIC = "squall.source.topic";
  public static final String SOURCE_PARTITION = "squall.source.partition";
  public static final String SOURCE_OFFSET = "squall.source.offset";
  public static final String FAILED_AT = "squall.failed-at";
  public static final String VALUE_OMITTED = "squall.value-omitted";
  public static final String KEY_OMITTED = "squall.key-omitted";

  /** The most bytes of a reason, and of a key, that a dead letter carries. */
  public static final int MAX_REASON_BYTES = 1024;

  public static final int MAX_KEY_BYTES = 1024;

  private final String topic;
  private final SendProducer<String, byte[]> producer;

  public DeadLetters(ActorSystem<?> system, IngestSettings settings) {
    this.topic = settings.deadLetterTopic();
    this.producer = KafkaClients.get(system).producer();
  }

  /** Completes once the broker has the dead letter. */
  public CompletionStage<RecordMetadata> send(
      ConsumerRecord<String, byte[]> record, String reason) {
    return producer.send(deadLetter(topic, record, reason, Instant.now()));
  }

  /** The dead letter of {@code record}: at most ~66 KiB whatever the record held. */
  static ProducerRecord<String, byte[]> deadLetter(
      String topic, ConsumerRecord<String, byte[]> record, String reason, Instant failedAt) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, clipped(reason));
    headers.add(SOURCE_TOPIC, bytes(record.topic()));
    headers.add(SOURCE_PARTITION, bytes(Integer.toString(record.partition())));
    headers.add(SOURCE_OFFSET, bytes(Long.toString(record.offset())));
    headers.add(FAILED_AT, bytes(failedAt.toString()));
    byte[] value = record.value();
    if (value != null && value.length > Reading.Limits.MAX_RECORD_BYTES) {
      headers.add(VALUE_OMITTED, bytes(Integer.toString(value.length)));
      value = null;
    }
    String key = record.key();
    if (key != null) {
      int keyBytes = bytes(key).length;
      if (keyBytes > MAX_KEY_BYTES) {
        headers.add(KEY_OMITTED, bytes(Integer.toString(keyBytes)));
        key = null;
      }
    }
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  /** {@code reason} in at most {@link #MAX_REASON_BYTES} of UTF-8, cut on a character. */
  static byte[] clipped(String reason) {
    byte[] whole = bytes(reason);
    if (whole.length <= MAX_REASON_BYTES) {
      return whole;
    }
    byte[] ellipsis = bytes("…");
    int end = MAX_REASON_BYTES - ellipsis.length;
    while ((whole[end] & 0xC0) == 0x80) {
      end--; // whole[end] continues a character: cut before that character starts
    }
    byte[] cut = Arrays.copyOf(whole, end + ellipsis.length);
    System.arraycopy(ellipsis, 0, cut, end, ellipsis.length);
    return cut;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
