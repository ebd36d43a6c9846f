package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squall.persistence.Reading;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class BatchDecoderTest {
  private final IngestStats stats = new IngestStats(new SimpleMeterRegistry());
  private final List<String> deadLettered = new ArrayList<>();
  private final CompletableFuture<Void> deadLetterSent = new CompletableFuture<>();
  private final BatchDecoder decoder =
      new BatchDecoder(
          SourceFormat.AUTO,
          "readings.dead-letter",
          stats,
          (record, reason) -> {
            deadLettered.add(record.offset() + ": " + reason);
            return deadLetterSent;
          });

  private static ConsumerRecord<String, byte[]> record(int partition, long offset, String value) {
    return new ConsumerRecord<>(
        "readings", partition, offset, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String line(String device, int hour) {
    return device + ",2008,01,01," + hour + ",5.0,-3.9,1020.4,270,4.6,2,0.0,0.0";
  }

  @Test
  void shouldGroupABatchByDeviceAndPartitionInFirstSeenOrder() {
    BatchDecoder.Decoded decoded =
        decoder.decode(
            List.of(
                record(0, 10, line("b", 0)),
                record(0, 11, line("a", 0)),
                record(0, 12, line("b", 1)),
                record(1, 5, line("b", 2))));

    List<DevicePart> parts = decoded.parts();
    assertEquals(3, parts.size());
    assertEquals(List.of("b", "a", "b"), parts.stream().map(DevicePart::deviceId).toList());
    assertEquals("readings-0", parts.get(0).topicPartition());
    assertEquals(List.of(10L, 12L), parts.get(0).offsets());
    assertEquals(
        List.of(0, 1),
        parts.get(0).readings().stream()
            .map(Reading::timestamp)
            .map(t -> t.atZone(ZoneOffset.UTC).getHour())
            .toList());
    assertEquals("readings-1", parts.get(2).topicPartition());
    assertEquals(List.of(5L), parts.get(2).offsets());
    assertTrue(decoded.deadLettered().isDone(), "no bad record, nothing to wait for");
  }

  @Test
  void shouldDeadLetterABadRecordWithItsReasonAndWaitUntilItIsSent() {
    BatchDecoder.Decoded decoded =
        decoder.decode(
            List.of(
                record(0, 1, line("a", 0)),
                record(0, 2, line("a", 24)),
                record(
                    0,
                    3,
                    "{\"device\":\"d|1\",\"timestamp\":\"2008-01-01T00:00:00Z\","
                        + "\"metrics\":{}}")));

    assertEquals(1, decoded.parts().size());
    assertEquals(List.of(1L), decoded.parts().get(0).offsets());
    assertEquals(
        List.of(
            "2: impossible hour 24 (expected 0-23)",
            "3: device id 'd|1' holds '|' (U+007C); allowed: ASCII letters, digits and : . _ - @ +"),
        deadLettered);
    assertEquals(2, stats.snapshot().deadLetters());
    assertFalse(decoded.deadLettered().isDone(), "the batch waits for its dead letters");
    deadLetterSent.complete(null);
    assertTrue(decoded.deadLettered().isDone());
  }
}
