package io.squall.sharding;

import io.squall.persistence.Reading;
import io.squall.sharding.internal.IsdLiteDecoder;
import java.util.ArrayList;
import java.util.HashMap;
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
    Parts parts = new Parts();
    IsdLiteDecoder.Line line = new IsdLiteDecoder.Line();
    List<CompletableFuture<?>> deadLettered = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      try {
        parts.at(record);
        format.decode(record.value(), line, parts);
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
        parts.all(), CompletableFuture.allOf(deadLettered.toArray(CompletableFuture[]::new)));
  }

  /**
   * The batch's parts, keyed by partition and device, in first-seen order; a record's reading goes
   * to the part of its device in the record's partition. Records of a device come in runs, so the
   * last part is tried first.
   */
  private static final class Parts implements SourceFormat.Target {
    private final Map<String, Map<String, DevicePart>> byPartition = new HashMap<>();
    private final List<DevicePart> inOrder = new ArrayList<>();
    private ConsumerRecord<String, byte[]> record;
    private DevicePart last;
    private String lastTopic;
    private int lastPartition;

    void at(ConsumerRecord<String, byte[]> record) {
      this.record = record;
    }

    @Override
    public void reading(String deviceId, long epochMilli, String[] names, double[] values) {
      DevicePart part = partFor(deviceId);
      part.add(epochMilli, names, values, record.offset());
      remember(part);
    }

    @Override
    public void reading(Reading reading) {
      DevicePart part = partFor(reading.deviceId());
      part.add(reading, record.offset());
      remember(part);
    }

    private DevicePart partFor(String deviceId) {
      DevicePart part = last;
      if (part == null
          || !part.deviceId().equals(deviceId)
          || record.partition() != lastPartition
          || !record.topic().equals(lastTopic)) {
        part = partOf(deviceId);
      }
      return part;
    }

    /** The record's reading is in {@code part}: the next record tries it first. */
    private void remember(DevicePart part) {
      last = part;
      lastTopic = record.topic();
      lastPartition = record.partition();
    }

    private DevicePart partOf(String deviceId) {
      String topicPartition = record.topic() + "-" + record.partition();
      Map<String, DevicePart> ofPartition =
          byPartition.computeIfAbsent(topicPartition, p -> new HashMap<>());
      DevicePart part = ofPartition.get(deviceId);
      if (part == null) {
        part = new DevicePart(deviceId, topicPartition);
        ofPartition.put(deviceId, part);
        inOrder.add(part);
      }
      return part;
    }

    /** The parts that took a reading (a part whose only reading broke a limit is left out). */
    List<DevicePart> all() {
      return inOrder.stream().filter(part -> !part.offsets().isEmpty()).toList();
    }
  }
}
