package io.squall.sharding;

import io.squall.persistence.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch of records into one part per device and partition, in first-seen order; a record
 * that is not a reading goes to the dead-letter topic with its reason, is counted, and never stops
 * the batch.
 */
final class BatchDecoder {
  // the consumer's log lines keep the logger they always had
  private static final Logger log = LoggerFactory.getLogger(ReadingsConsumer.class);

  /** Where a bad record goes, with its reason; completes once it is there. */
  interface DeadLetterSink {
    CompletionStage<?> send(ConsumerRecord<String, byte[]> record, String reason);
  }

  /** A batch's parts, and what completes once every bad record of it is dead-lettered. */
  record Decoded(List<DevicePart> parts, CompletableFuture<Void> deadLettered) {}

  private final SourceFormat format;
  private final String deadLetterTopic;
  private final IngestStats stats;
  private final DeadLetterSink deadLetters;

  BatchDecoder(
      SourceFormat format, String deadLetterTopic, IngestStats stats, DeadLetterSink deadLetters) {
    this.format = format;
    this.deadLetterTopic = deadLetterTopic;
    this.stats = stats;
    this.deadLetters = deadLetters;
  }

  Decoded decode(List<ConsumerRecord<String, byte[]>> batch) {
    Map<String, DevicePart> parts = new LinkedHashMap<>();
    List<CompletableFuture<?>> deadLettered = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      try {
        Reading reading = format.decode(record.value());
        String topicPartition = record.topic() + "-" + record.partition();
        parts
            .computeIfAbsent(
                reading.deviceId() + '\u0000' + topicPartition,
                key -> new DevicePart(reading.deviceId(), topicPartition))
            .add(reading, record.offset());
      } catch (BadReadingException e) {
        log.warn(
            "Bad record at topic {} partition {} offset {} goes to {}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            deadLetterTopic,
            e.getMessage());
        stats.deadLetter(e.kind());
        deadLettered.add(deadLetters.send(record, e.getMessage()).toCompletableFuture());
      }
    }
    return new Decoded(
        List.copyOf(parts.values()),
        CompletableFuture.allOf(deadLettered.toArray(CompletableFuture[]::new)));
  }
}
