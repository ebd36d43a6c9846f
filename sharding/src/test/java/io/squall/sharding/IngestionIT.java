package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Readings through the real readings topic into the real journal, one node. */
class IngestionIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(4);

  @Test
  void shouldRecordEveryHourOfTwoStationsLoadedFromTheirFiles() throws Exception {
    Config world = IngestNode.world("it_ingest_two");
    try (IngestNode node = IngestNode.start(world, null)) {
      ReadingsFiles.Sent sent =
          node.load(NoaaFile.bundled("ny-2008.csv.gz"), NoaaFile.bundled("sf-2008.csv.gz"));
      assertEquals(17_568, sent.records());

      Map<String, Device.Summary> states =
          node.awaitAccounted(Map.of("725030:14732", 8_784L, "724940:23234", 8_784L), TIMEOUT);

      for (Device.Summary state : states.values()) {
        assertEquals(8_784, state.readings(), state.id());
        assertEquals(0, state.duplicates(), state.id());
      }
      // the consumer counts a device's answer as it takes it, which may be just after the state
      IngestNode.await(
          Duration.ofSeconds(30),
          () -> node.consumer.stats().snapshot().recorded() == 17_568,
          "the consumer counts every recorded reading");
    }
  }

  @Test
  void shouldRecordEachDistinctReadingOnceAndCountTheRepeatedSeries() throws Exception {
    Path file = NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip");
    Map<String, Long> lines = new HashMap<>();
    Map<String, Set<java.time.Instant>> distinct = new HashMap<>();
    for (Reading reading : NoaaFile.readings(file)) {
      lines.merge(reading.deviceId(), 1L, Long::sum);
      distinct.computeIfAbsent(reading.deviceId(), id -> new HashSet<>()).add(reading.timestamp());
    }
    Config world = IngestNode.world("it_ingest_backfill");
    try (IngestNode node = IngestNode.start(world, null)) {
      assertEquals(395_453, node.load(file).records());

      Map<String, Device.Summary> states = node.awaitAccounted(lines, TIMEOUT);

      long readings = 0;
      long duplicates = 0;
      for (Device.Summary state : states.values()) {
        assertEquals(
            distinct.get(state.id()).size(), state.readings(), "readings of " + state.id());
        assertEquals(
            lines.get(state.id()) - distinct.get(state.id()).size(),
            state.duplicates(),
            "duplicates of " + state.id());
        readings += state.readings();
        duplicates += state.duplicates();
      }
      assertEquals(282_470, readings);
      assertEquals(112_983, duplicates);
    }
  }

  @Test
  void shouldSendEveryBadLineToTheDeadLetterTopicWithItsReasonAndRecordEveryGoodOne()
      throws Exception {
    String good1 = "725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0";
    String good2 = "725030:14732,2008,01,01,01,5.0,-3.3,1020.6,290,4.1,2,0.0,0.0";
    String good3 =
        "{\"device\":\"srv-1\",\"timestamp\":\"2024-05-01T10:00:00Z\",\"metrics\":{\"cpu\":0.5}}";
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put(
        "725030:14732,2008,01,01,02,5.0,-3.9,1020.4,270,4.6,2,0.0",
        "expected 13 comma-separated columns, found 12");
    bad.put(
        "725030:14732,2008,01,01,03,warm,-3.9,1020.4,270,4.6,2,0.0,0.0",
        "column temperature is not a number: 'warm'");
    bad.put(
        "725030:14732,2008,13,01,04,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0",
        "impossible date 2008-13-1 (year-month-day)");
    bad.put(
        "725030:14732,2008,01,01,24,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0",
        "impossible hour 24 (expected 0-23)");
    bad.put(",2008,01,01,05,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0", "empty device id (column wsid)");
    bad.put("", "empty line");
    byte[] notUtf8 = {'7', '2', '5', (byte) 0xFF, (byte) 0xFE, ',', '2', '0', '0', '8'};

    Path file = Files.createTempFile("bad-lines", ".csv");
    List<byte[]> lines = new ArrayList<>();
    lines.add(good1.getBytes(StandardCharsets.UTF_8));
    bad.keySet().forEach(line -> lines.add(line.getBytes(StandardCharsets.UTF_8)));
    lines.add(notUtf8);
    lines.add(good2.getBytes(StandardCharsets.UTF_8));
    lines.add(good3.getBytes(StandardCharsets.UTF_8));
    try (var out = Files.newOutputStream(file)) {
      for (byte[] line : lines) {
        out.write(line);
        out.write('\n');
      }
    }

    Config world = IngestNode.world("it_ingest_bad");
    try (IngestNode node = IngestNode.start(world, null)) {
      assertEquals(lines.size(), node.load(file).records());

      node.awaitAccounted(Map.of("725030:14732", 2L, "srv-1", 1L), TIMEOUT);
      assertEquals(2, node.device("725030:14732").readings());
      assertEquals(Map.of("cpu", 0.5), node.device("srv-1").latest());

      Map<String, String> deadLetters = readDeadLetters(node.settings, bad.size() + 1);
      for (Map.Entry<String, String> line : bad.entrySet()) {
        assertEquals(
            line.getValue(), deadLetters.get(line.getKey()), "reason for '" + line.getKey() + "'");
      }
      assertEquals(
          "not UTF-8 text", deadLetters.get(new String(notUtf8, StandardCharsets.ISO_8859_1)));
      assertEquals(bad.size() + 1, node.consumer.stats().snapshot().deadLetters());
    } finally {
      Files.delete(file);
    }
  }

  /** The dead-letter topic's records: original line (Latin-1 for raw bytes) → reason header. */
  private static Map<String, String> readDeadLetters(IngestSettings settings, int expected) {
    Properties props = new Properties();
    props.put("bootstrap.servers", LocalInfra.kafkaBootstrapServers());
    props.put("group.id", settings.deadLetterTopic() + "-reader");
    props.put("auto.offset.reset", "earliest");
    Map<String, String> found = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(settings.deadLetterTopic()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (found.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          String reason =
              new String(
                  record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
          assertEquals(
              settings.topic(),
              new String(
                  record.headers().lastHeader(DeadLetters.SOURCE_TOPIC).value(),
                  StandardCharsets.UTF_8));
          assertTrue(record.headers().lastHeader(DeadLetters.SOURCE_OFFSET) != null);
          String line =
              isUtf8(record.value())
                  ? new String(record.value(), StandardCharsets.UTF_8)
                  : new String(record.value(), StandardCharsets.ISO_8859_1);
          found.put(line, reason);
        }
      }
    }
    assertEquals(expected, found.size(), "dead letters found: " + found);
    return found;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }
}
