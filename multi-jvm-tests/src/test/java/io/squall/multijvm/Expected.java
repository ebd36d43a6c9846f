package io.squall.multijvm;

import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What every answer must be after the test's input is ingested once, computed here from the lines
 * themselves (the decoding rules of DESIGN.md, through {@link NoaaFile#parse}): distinct (device,
 * timestamp) readings, repeats as duplicates (the first one wins), and daily and monthly
 * count/min/max/sum/mean/stdev of every metric over the readings kept.
 */
final class Expected {
  /** count, min, max, sum, sum of squares. */
  static final class Figures {
    long count;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double sum;
    double squares;

    void add(double value) {
      count++;
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
      squares += value * value;
    }

    double mean() {
      return sum / count;
    }

    double stdev() {
      double mean = mean();
      return Math.sqrt(Math.max(0, squares / count - mean * mean));
    }
  }

  final Map<String, Long> readings = new TreeMap<>();
  final Map<String, Long> duplicates = new TreeMap<>();

  /** device → metric → day → figures. */
  final Map<String, Map<String, TreeMap<LocalDate, Figures>>> daily = new TreeMap<>();

  /** device → metric → month → figures. */
  final Map<String, Map<String, TreeMap<YearMonth, Figures>>> monthly = new TreeMap<>();

  final Set<Integer> years = new TreeSet<>();

  long totalReadings() {
    return readings.values().stream().mapToLong(Long::longValue).sum();
  }

  long totalDuplicates() {
    return duplicates.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The figures of ISD-lite {@code lines} sent in this order (per device, the first one wins). */
  static Expected of(List<String> lines) {
    Expected expected = new Expected();
    Map<String, Set<Instant>> seen = new HashMap<>();
    for (String line : lines) {
      Reading reading = NoaaFile.parse(line);
      String device = reading.deviceId();
      if (!seen.computeIfAbsent(device, d -> new HashSet<>()).add(reading.timestamp())) {
        expected.duplicates.merge(device, 1L, Long::sum);
        continue;
      }
      expected.readings.merge(device, 1L, Long::sum);
      expected.duplicates.putIfAbsent(device, 0L);
      LocalDate day = reading.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
      expected.years.add(day.getYear());
      for (Map.Entry<String, Double> metric : reading.metrics().entrySet()) {
        expected
            .daily
            .computeIfAbsent(device, d -> new TreeMap<>())
            .computeIfAbsent(metric.getKey(), m -> new TreeMap<>())
            .computeIfAbsent(day, d -> new Figures())
            .add(metric.getValue());
        expected
            .monthly
            .computeIfAbsent(device, d -> new TreeMap<>())
            .computeIfAbsent(metric.getKey(), m -> new TreeMap<>())
            .computeIfAbsent(YearMonth.from(day), m -> new Figures())
            .add(metric.getValue());
      }
    }
    return expected;
  }
}
