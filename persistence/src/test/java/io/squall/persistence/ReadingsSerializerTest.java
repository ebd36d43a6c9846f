package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.testing.NoaaFile;
import java.io.NotSerializableException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The journal's compact format of readings events gives back every event exactly. */
class ReadingsSerializerTest {
  private final ReadingsSerializer serializer = new ReadingsSerializer();

  private Device.ReadingsRecorded roundTrip(Device.ReadingsRecorded event) throws Exception {
    byte[] bytes = serializer.toBinary(event);
    return (Device.ReadingsRecorded) serializer.fromBinary(bytes, serializer.manifest(event));
  }

  private static Device.ReadingsRecorded event(List<Reading> readings) {
    return new Device.ReadingsRecorded(1, "725030:14732", readings, 7, "readings-3", 123_456L);
  }

  @Test
  void shouldGiveBackEveryValueBitForBit() throws Exception {
    List<Double> values =
        List.of(
            0.0,
            -0.0,
            5.0,
            -3.9,
            1013.2,
            0.1 + 0.2,
            1.0 / 3,
            12.345,
            -12.3456,
            1e300,
            -1e-300,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            9_007_199_254_740_993.0,
            123_456_789_012.5,
            Double.NaN,
            Double.POSITIVE_INFINITY);
    Instant at = Instant.parse("2008-01-01T00:00:00Z");
    List<Reading> readings =
        values.stream().map(v -> new Reading("725030:14732", at, Map.of("m", v))).toList();

    List<Reading> back = roundTrip(event(readings)).readings();

    for (int i = 0; i < values.size(); i++) {
      assertEquals(
          Double.doubleToRawLongBits(values.get(i)),
          Double.doubleToRawLongBits(back.get(i).metrics().get("m")),
          "value " + values.get(i));
    }
  }

  @Test
  void shouldGiveBackEveryTimestampAndTheEventsFields() throws Exception {
    List<Instant> timestamps =
        List.of(
            Instant.parse("2008-01-01T01:00:00Z"),
            Instant.parse("2008-01-01T00:00:00Z"),
            Instant.parse("1900-01-01T00:00:00Z"),
            Instant.parse("1969-12-31T23:59:59.999500Z"),
            Instant.parse("9999-12-31T23:59:59.999Z"),
            Instant.parse("2026-11-29T06:15:25.123456789Z"));
    List<Reading> readings =
        timestamps.stream()
            .map(t -> new Reading("725030:14732", t, Map.of("temperature", 1.5, "wind", 2.0)))
            .toList();
    Device.ReadingsRecorded event = event(readings);

    assertEquals(event, roundTrip(event));
    Device.ReadingsRecorded notFromKafka =
        new Device.ReadingsRecorded(1, "dev-ü", List.of(), 2, "", -1L);
    assertEquals(notFromKafka, roundTrip(notFromKafka));
  }

  @Test
  void shouldTakeAFractionOfCborForAStationsReadings() throws Exception {
    List<Reading> readings = NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 500);
    Device.ReadingsRecorded event =
        new Device.ReadingsRecorded(1, "724940:23234", readings, 0, "readings-5", 99L);

    byte[] bytes = serializer.toBinary(event);

    assertEquals(event, roundTrip(event));
    double perReading = (double) bytes.length / readings.size();
    assertTrue(perReading < 40, "bytes per reading: " + perReading);
  }

  @Test
  void shouldRefuseAFormatItDoesNotKnow() {
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[0], "RR9"));
  }

  @Test
  void shouldRefuseMalformedBytesWithoutAllocatingWhatTheyClaim() {
    byte[] good =
        serializer.toBinary(
            event(List.of(new Reading("725030:14732", Instant.EPOCH, Map.of("m", 1.5)))));
    String manifest = ReadingsSerializer.MANIFEST_V1;
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 2);
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    byte[] hugeCount = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};

    for (byte[] bytes : List.of(truncated, trailing, hugeCount, new byte[0])) {
      assertThrows(NotSerializableException.class, () -> serializer.fromBinary(bytes, manifest));
    }
  }
}
