package io.squall.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeenTimestampsTest {

  @Test
  void shouldRecognizeEveryTimestampAddedAtEveryResolution() {
    SeenTimestamps seen = new SeenTimestamps();
    List<Instant> timestamps =
        List.of(
            Instant.parse("2008-01-01T00:00:00Z"), // whole hour
            Instant.parse("2008-01-01T00:00:01Z"), // whole second
            Instant.parse("2008-01-01T00:00:00.250Z"), // milliseconds
            Instant.parse("1901-06-01T12:00:00Z"), // before 1970, whole hour
            Instant.parse("1901-06-01T12:00:07Z"), // before 1970, whole second
            Instant.parse("2200-01-01T00:00:05Z")); // beyond 32-bit seconds

    for (Instant timestamp : timestamps) {
      assertTrue(seen.add(timestamp), "new: " + timestamp);
    }
    for (Instant timestamp : timestamps) {
      assertTrue(seen.contains(timestamp), "seen: " + timestamp);
      assertFalse(seen.add(timestamp), "a second add is a duplicate: " + timestamp);
    }
    assertEquals(timestamps.size(), seen.size());
    assertFalse(seen.contains(Instant.parse("2008-01-01T01:00:00Z")));
    assertFalse(seen.contains(Instant.parse("2008-01-01T00:00:00.251Z")));
  }

  @Test
  void shouldSurviveItsSerializedForm() {
    SeenTimestamps seen = new SeenTimestamps();
    seen.add(Instant.parse("2008-01-01T00:00:00Z"));
    seen.add(Instant.parse("2008-01-01T00:30:00Z"));
    seen.add(Instant.parse("2008-01-01T00:30:00.001Z"));

    SeenTimestamps restored = SeenTimestamps.fromBytes(seen.toBytes());

    assertEquals(seen, restored);
    assertEquals(3, restored.size());
    assertTrue(restored.contains(Instant.parse("2008-01-01T00:30:00.001Z")));
  }

  @Test
  void shouldKeepACopyIndependentOfTheOriginal() {
    SeenTimestamps seen = new SeenTimestamps();
    seen.add(Instant.parse("2008-01-01T00:00:00Z"));
    SeenTimestamps copy = seen.copy();

    seen.add(Instant.parse("2008-01-01T01:00:00Z"));

    assertEquals(1, copy.size());
    assertEquals(2, seen.size());
  }

  @Test
  void shouldStoreAStationYearOfHourlyReadingsInUnderFourKibibytes() {
    SeenTimestamps seen = new SeenTimestamps();
    Instant hour = Instant.parse("2008-01-01T00:00:00Z");
    for (int i = 0; i < 8_784; i++) {
      // a realistic year has gaps: skip one hour in 50
      if (i % 50 != 17) {
        seen.add(hour.plus(Duration.ofHours(i)));
      }
    }

    int bytes = seen.toBytes().length;

    assertTrue(bytes <= 4_096, "a station-year takes " + bytes + " bytes");
  }
}
