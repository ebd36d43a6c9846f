package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The limits a reading from outside must hold, checked by {@link Reading#of} itself. */
class ReadingTest {
  private static final Instant AT = Instant.parse("2008-01-01T00:00:00Z");

  private static String rejection(String device, Instant at, Map<String, Double> metrics) {
    return assertThrows(InvalidReadingException.class, () -> Reading.of(device, at, metrics))
        .getMessage();
  }

  @Test
  void shouldRejectEachBrokenLimitNamingWhy() {
    assertEquals("empty device id", rejection("", AT, Map.of()));
    assertEquals(
        "device id 'a|b' holds '|' (U+007C); allowed: ASCII letters, digits and : . _ - @ +",
        rejection("a|b", AT, Map.of()));
    assertEquals(
        "timestamp 1899-12-31T23:59:59Z is outside the range"
            + " 1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z",
        rejection("d", Instant.parse("1899-12-31T23:59:59Z"), Map.of()));
    Map<String, Double> many = new HashMap<>();
    for (int i = 0; i <= Reading.Limits.MAX_METRICS; i++) {
      many.put("m" + i, 1.0);
    }
    assertEquals("65 metrics, over the limit of 64 per reading", rejection("d", AT, many));
    assertEquals(
        "metric name 'air temp' holds U+0020; allowed: ASCII letters, digits and _ . -",
        rejection("d", AT, Map.of("air temp", 1.0)));
    assertEquals("metric t is not a finite number", rejection("d", AT, Map.of("t", Double.NaN)));
  }

  @Test
  void shouldTruncateTheTimestampToWholeMilliseconds() {
    Reading reading = Reading.of("d", Instant.parse("2008-01-01T00:00:00.250900Z"), Map.of());

    assertEquals(Instant.parse("2008-01-01T00:00:00.250Z"), reading.timestamp());
  }

  @Test
  void shouldRejectARecordOverTheSizeLimit() {
    Reading.Limits.checkRecordSize(new byte[Reading.Limits.MAX_RECORD_BYTES]);

    assertEquals(
        "record is 65537 bytes, over the limit of 65536",
        assertThrows(
                InvalidReadingException.class,
                () -> Reading.Limits.checkRecordSize(new byte[Reading.Limits.MAX_RECORD_BYTES + 1]))
            .getMessage());
  }

  @Test
  void shouldAcceptEveryStationIdOfTheBundledData() throws IOException {
    List<String> ids =
        Files.readAllLines(Path.of("../data/noaa/weather_stations.csv")).stream()
            .map(line -> line.substring(0, line.indexOf(',')))
            .toList();

    ids.forEach(Reading.Limits::checkDeviceId);
    assertEquals(true, ids.contains("725030:14732"));
  }
}
