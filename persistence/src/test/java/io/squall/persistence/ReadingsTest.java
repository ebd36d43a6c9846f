package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A device's readings in columns: built under the limits, read back as the readings they hold. */
class ReadingsTest {
  private static final String DEVICE = "725030:14732";
  private static final long HOUR = 3_600_000;
  private static final long START = Instant.parse("2008-01-01T00:00:00Z").toEpochMilli();
  private static final String[] TEMPERATURE = {"temperature"};
  private static final String[] BOTH = {"temperature", "wind_speed"};
  private static final double NOT_OBSERVED = Double.NaN;

  private static Reading reading(long epochMilli, Map<String, Double> metrics) {
    return new Reading(DEVICE, Instant.ofEpochMilli(epochMilli), metrics);
  }

  @Test
  void shouldGiveBackEveryReadingWhenNewMetricsAppearAfterManyRows() {
    Readings.Builder builder = Readings.builder(DEVICE);
    List<Reading> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) { // past the builder's first capacity
      builder.add(START + i * HOUR, TEMPERATURE, new double[] {i});
      expected.add(reading(START + i * HOUR, Map.of("temperature", (double) i)));
    }
    builder.add(START + 40 * HOUR, new String[] {"wind_speed"}, new double[] {4.6});
    expected.add(reading(START + 40 * HOUR, Map.of("wind_speed", 4.6)));
    builder.add(START + 41 * HOUR, BOTH, new double[] {NOT_OBSERVED, 2.0});
    expected.add(reading(START + 41 * HOUR, Map.of("wind_speed", 2.0)));
    builder.add(START + 42 * HOUR, BOTH, new double[] {-3.9, 1.5});
    expected.add(reading(START + 42 * HOUR, Map.of("temperature", -3.9, "wind_speed", 1.5)));

    Readings readings = builder.build();

    assertEquals(expected, readings);
    assertEquals(expected, new ArrayList<>(readings));
    assertEquals(2, readings.metricCount());
    assertEquals(
        1, readings.entryEnd(3) - readings.entryStart(3), "reading 3 holds temperature only");
    assertEquals(DEVICE, readings.deviceId());
  }

  @Test
  void shouldRefuseAReadingThatBreaksALimitAndKeepWhatItHad() {
    Readings.Builder builder = Readings.builder(DEVICE).add(START, TEMPERATURE, new double[] {5.0});

    assertEquals(
        "timestamp 1899-12-31T23:00:00Z is outside the range 1900-01-01T00:00:00Z to"
            + " 9999-12-31T23:59:59.999Z",
        assertThrows(
                InvalidReadingException.class,
                () ->
                    builder.add(
                        Instant.parse("1899-12-31T23:00:00Z").toEpochMilli(),
                        TEMPERATURE,
                        new double[] {1.0}))
            .getMessage());
    assertEquals(
        "metric wind_speed is not a finite number",
        assertThrows(
                InvalidReadingException.class,
                () -> builder.add(START + HOUR, BOTH, new double[] {1.0, Double.POSITIVE_INFINITY}))
            .getMessage());
    assertEquals(
        "metric name 'wind speed' holds U+0020; allowed: ASCII letters, digits and _ . -",
        assertThrows(
                InvalidReadingException.class,
                () -> builder.add(START + HOUR, new String[] {"wind speed"}, new double[] {1.0}))
            .getMessage());
    assertThrows(InvalidReadingException.class, () -> Readings.builder("a|b"));

    assertEquals(List.of(reading(START, Map.of("temperature", 5.0))), builder.build());
  }

  @Test
  void shouldSliceAndSelectInTheirOwnColumns() {
    List<Reading> list = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      list.add(reading(START + i * HOUR, Map.of("temperature", (double) i)));
    }
    Readings readings = Readings.of(list);

    assertEquals(list.subList(1, 3), readings.slice(1, 3));
    assertEquals(List.of(list.get(4), list.get(0)), readings.select(new int[] {4, 0, 2}, 2));
    assertSame(readings, readings.select(new int[] {0, 1, 2, 3, 4}, 5));
  }

  @Test
  void shouldKeepTimestampsFinerThanMillisecondsThatTheJournalHeld() {
    Instant fine = Instant.parse("2026-11-29T06:15:25.123456789Z");
    Readings readings = Readings.of(List.of(new Reading(DEVICE, fine, Map.of("t", 1.0))));

    assertEquals(fine, readings.timestamp(0));
    assertEquals(456_789, readings.subMilliNanos(0));
  }

  @Test
  void shouldKeepOnlyTheObservedValuesHoweverManyNamesABatchHolds() {
    Readings.Builder builder = Readings.builder(DEVICE);
    for (int i = 0; i < 2_000; i++) { // in a table, 2,000 rows x 128,000 names: 2 GB
      String[] names = new String[64];
      double[] values = new double[64];
      for (int k = 0; k < 64; k++) {
        names[k] = "m" + i + "_" + k;
        values[k] = k;
      }
      builder.add(START + i * HOUR, names, values);
    }

    Readings readings = builder.build();

    assertEquals(128_000, readings.metricCount());
    assertEquals(64, readings.entryEnd(1_999) - readings.entryStart(1_999));
    Readings last = readings.slice(1_999, 2_000);
    assertEquals(64, last.metricCount(), "a slice keeps only the names it observes");
    assertEquals(readings.get(1_999), last.get(0));
  }

  @Test
  void shouldFileEachValueUnderItsNameWhenTheCallerReusesItsArrays() {
    String[] names = {"a", "b"};
    Readings.Builder builder = Readings.builder(DEVICE).add(START, names, new double[] {1, 2});
    names[0] = "b";
    names[1] = "a";
    builder.add(START + HOUR, names, new double[] {3, 4});

    assertEquals(
        List.of(
            reading(START, Map.of("a", 1.0, "b", 2.0)),
            reading(START + HOUR, Map.of("b", 3.0, "a", 4.0))),
        builder.build());
  }

  @Test
  void shouldHoldTheReadingsOfOneDeviceOnly() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Readings.of(
                List.of(
                    reading(START, Map.of("t", 1.0)),
                    new Reading("other", Instant.ofEpochMilli(START), Map.of("t", 1.0)))));
  }
}
