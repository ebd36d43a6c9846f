package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** A dead letter is always small enough to send, and always says where its record was. */
class DeadLettersTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private static ProducerRecord<String, byte[]> deadLetter(String key, byte[] value, String why) {
    return DeadLetters.deadLetter(
        "readings.dead-letter", new ConsumerRecord<>("readings", 3, 42L, key, value), why, NOW);
  }

  private static String header(ProducerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldKeepASmallRecordUnchangedWithItsReasonAndSource() {
    byte[] value = "725030:14732,2008,13".getBytes(StandardCharsets.UTF_8);
    ProducerRecord<String, byte[]> letter = deadLetter("725030:14732", value, "too few columns");

    assertEquals("readings.dead-letter", letter.topic());
    assertEquals("725030:14732", letter.key());
    assertArrayEquals(value, letter.value());
    assertEquals("too few columns", header(letter, DeadLetters.REASON));
    assertEquals("readings", header(letter, DeadLetters.SOURCE_TOPIC));
    assertEquals("3", header(letter, DeadLetters.SOURCE_PARTITION));
    assertEquals("42", header(letter, DeadLetters.SOURCE_OFFSET));
    assertEquals("2026-11-29T12:00:00Z", header(letter, DeadLetters.FAILED_AT));
    assertNull(header(letter, DeadLetters.VALUE_OMITTED));
    assertNull(header(letter, DeadLetters.KEY_OMITTED));
  }

  @Test
  void shouldLeaveOutAValueOverTheRecordLimitButSayWhereItIs() {
    ProducerRecord<String, byte[]> letter =
        deadLetter("d", new byte[5_000_000], "record is 5000000 bytes, over the limit of 65536");

    assertNull(letter.value());
    assertEquals("5000000", header(letter, DeadLetters.VALUE_OMITTED));
    assertEquals("42", header(letter, DeadLetters.SOURCE_OFFSET));
    assertEquals("d", letter.key());
  }

  @Test
  void shouldKeepAValueOfExactlyTheRecordLimit() {
    ProducerRecord<String, byte[]> letter =
        deadLetter("d", new byte[Reading.Limits.MAX_RECORD_BYTES], "bad");

    assertEquals(Reading.Limits.MAX_RECORD_BYTES, letter.value().length);
    assertNull(header(letter, DeadLetters.VALUE_OMITTED));
  }

  @Test
  void shouldLeaveOutAHugeKey() {
    ProducerRecord<String, byte[]> letter = deadLetter("k".repeat(100_000), new byte[10], "bad");

    assertNull(letter.key());
    assertEquals("100000", header(letter, DeadLetters.KEY_OMITTED));
  }

  @Test
  void shouldCutALongReasonAt1KiBOnACharacter() {
    byte[] reason =
        deadLetter("d", new byte[1], "é".repeat(5_000))
            .headers()
            .lastHeader(DeadLetters.REASON)
            .value();
    String text = new String(reason, StandardCharsets.UTF_8);

    assertTrue(reason.length <= DeadLetters.MAX_REASON_BYTES, reason.length + " bytes");
    assertTrue(text.matches("é+…"), "whole characters then an ellipsis");
  }

  @Test
  void shouldSendATombstoneAsItIs() {
    ProducerRecord<String, byte[]> letter = deadLetter(null, null, "empty record (no value)");

    assertNull(letter.value());
    assertNull(header(letter, DeadLetters.VALUE_OMITTED));
  }
}
