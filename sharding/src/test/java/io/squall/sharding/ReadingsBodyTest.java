package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReadingsBodyTest {
  private static final String LINE = "725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0";
  private static final String READING =
      "{\"device\":\"d\",\"timestamp\":\"2008-01-01T00:00:00Z\",\"metrics\":{\"t\":1}}";

  @Test
  void shouldDecodeLinesAsTheConsumerWouldAndNameEachBadOne() {
    ReadingsBody.Decoded decoded =
        ReadingsBody.isdLite(LINE + "\r\n7250|30,2008,01,01,00,5,1,1,1,1,1,1,1\n\n" + LINE + "\n");

    assertEquals(2, decoded.valid().size());
    assertEquals(LINE, new String(decoded.valid().get(0).value(), StandardCharsets.UTF_8));
    assertEquals(
        new ReadingsBody.Rejected(
            2,
            "device id '7250|30' holds '|' (U+007C); allowed: ASCII letters, digits and : . _ - @ +"),
        decoded.rejected().get(0));
    assertEquals(new ReadingsBody.Rejected(3, "empty line"), decoded.rejected().get(1));
    assertEquals(2, decoded.rejectedCount());
  }

  @Test
  void shouldListTheFirst100RejectionsAndCountThemAll() {
    ReadingsBody.Decoded decoded = ReadingsBody.isdLite("bad\n".repeat(150) + LINE);

    assertEquals(1, decoded.valid().size());
    assertEquals(100, decoded.rejected().size());
    assertEquals(150, decoded.rejectedCount());
    assertEquals(100, decoded.rejected().get(99).line());
  }

  @Test
  void shouldRefuseMoreThan10000LinesAsTooLarge() {
    assertEquals(10_000, ReadingsBody.isdLite((LINE + "\n").repeat(10_000)).valid().size());

    BadBodyException e =
        assertThrows(BadBodyException.class, () -> ReadingsBody.isdLite("\n".repeat(20_000_000)));

    assertTrue(e.tooLarge());
    assertEquals(
        "the body holds more than 10000 readings; send at most 10000 per request", e.getMessage());
  }

  @Test
  void shouldSendEachJsonElementsOwnTextAndRejectAnOversizedOneUnparsed() {
    String huge = "{\"device\":\"d\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
    ReadingsBody.Decoded decoded =
        ReadingsBody.json("[ " + READING + ", 7, " + huge + ",\n" + READING + " ]");

    assertEquals(2, decoded.valid().size());
    assertEquals(READING, new String(decoded.valid().get(1).value(), StandardCharsets.UTF_8));
    assertEquals(new ReadingsBody.Rejected(2, "not a JSON object"), decoded.rejected().get(0));
    assertEquals(
        new ReadingsBody.Rejected(3, "record is 70023 bytes, over the limit of 65536"),
        decoded.rejected().get(1));
  }

  @Test
  void shouldRefuseABodyThatIsNotOneJsonValue() {
    BadBodyException broken =
        assertThrows(BadBodyException.class, () -> ReadingsBody.json("[" + READING + ", {"));
    BadBodyException two =
        assertThrows(BadBodyException.class, () -> ReadingsBody.json(READING + READING));

    assertFalse(broken.tooLarge());
    assertTrue(broken.getMessage().startsWith("the body is not valid JSON"), broken.getMessage());
    assertEquals(
        "the body is not valid JSON: more than one value (send an array of readings)",
        two.getMessage());
  }
}
