package io.squall.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.persistence.testing.NoaaFile;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads every answer a user could ask about the test's devices over HTTP and compares it with
 * {@link Expected}: live state of each device, and every daily and monthly row of every metric.
 */
final class Answers {
  /** What differs; all zero means every answer is exact. */
  record Report(
      long lost,
      long countedTwice,
      long duplicatesWrong,
      long rowsWrong,
      long aggregateCountMissing,
      long aggregateCountExtra,
      boolean unavailable,
      List<String> samples) {
    boolean exact() {
      return !unavailable
          && lost == 0
          && countedTwice == 0
          && duplicatesWrong == 0
          && rowsWrong == 0
          && aggregateCountMissing == 0
          && aggregateCountExtra == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "readings lost %d, counted twice %d, duplicates wrong by %d, aggregate rows wrong %d"
              + " (counts missing %d, counted twice %d)%s%s",
          lost,
          countedTwice,
          duplicatesWrong,
          rowsWrong,
          aggregateCountMissing,
          aggregateCountExtra,
          unavailable ? ", some answers unavailable" : "",
          samples.isEmpty() ? "" : "; e.g. " + samples);
    }
  }

  private Answers() {}

  /** The device's readings count as the API tells, 0 when unknown, -1 when it does not answer. */
  static long readings(String api, String device) {
    Harness.Answer answer = Harness.get(api + "/devices/" + encode(device));
    if (answer.status() == 404) {
      return 0;
    }
    return answer.status() == 200 ? answer.json().get("readings").asLong() : -1;
  }

  /** Live state only (cheap): total readings recorded, or -1 if some device did not answer. */
  static long totalReadings(String api, Expected expected) {
    long total = 0;
    for (String device : expected.readings.keySet()) {
      long readings = readings(api, device);
      if (readings < 0) {
        return -1;
      }
      total += readings;
    }
    return total;
  }

  static Report check(String api, Expected expected) {
    long lost = 0;
    long twice = 0;
    long duplicatesWrong = 0;
    long rowsWrong = 0;
    long countMissing = 0;
    long countExtra = 0;
    boolean unavailable = false;
    List<String> samples = new ArrayList<>();
    for (String device : expected.readings.keySet()) {
      Harness.Answer state = Harness.get(api + "/devices/" + encode(device));
      long readings = 0;
      long duplicates = 0;
      if (state.status() == 200) {
        readings = state.json().get("readings").asLong();
        duplicates = state.json().get("duplicates").asLong();
      } else if (state.status() != 404) {
        unavailable = true;
        note(samples, device + ": " + state.status() + " " + state.body());
        continue;
      }
      long want = expected.readings.get(device);
      lost += Math.max(0, want - readings);
      twice += Math.max(0, readings - want);
      duplicatesWrong += Math.abs(duplicates - expected.duplicates.get(device));
      if (readings != want || duplicates != expected.duplicates.get(device)) {
        note(
            samples,
            device
                + " readings "
                + readings
                + "/"
                + want
                + " duplicates "
                + duplicates
                + "/"
                + expected.duplicates.get(device));
      }
      for (String metric : NoaaFile.METRIC_NAMES) {
        for (int year : expected.years) {
          Map<String, Expected.Figures> want1 = new TreeMap<>();
          expected
              .daily
              .getOrDefault(device, Map.of())
              .getOrDefault(metric, new TreeMap<>())
              .subMap(LocalDate.of(year, 1, 1), true, LocalDate.of(year, 12, 31), true)
              .forEach((day, f) -> want1.put(day.toString(), f));
          JsonNode daily =
              rows(
                  api
                      + "/devices/"
                      + encode(device)
                      + "/daily?metric="
                      + metric
                      + "&from="
                      + year
                      + "-01-01&to="
                      + year
                      + "-12-31");
          Map<String, Expected.Figures> want2 = new TreeMap<>();
          expected
              .monthly
              .getOrDefault(device, Map.of())
              .getOrDefault(metric, new TreeMap<>())
              .subMap(YearMonth.of(year, 1), true, YearMonth.of(year, 12), true)
              .forEach((month, f) -> want2.put(month.toString(), f));
          JsonNode monthly =
              rows(
                  api
                      + "/devices/"
                      + encode(device)
                      + "/monthly?metric="
                      + metric
                      + "&year="
                      + year);
          if (daily == null || monthly == null) {
            unavailable = true;
            continue;
          }
          long[] d = compare(device + " " + metric + " daily", daily, "date", want1, samples);
          long[] m = compare(device + " " + metric + " monthly", monthly, "month", want2, samples);
          rowsWrong += d[0] + m[0];
          countMissing += d[1] + m[1];
          countExtra += d[2] + m[2];
        }
      }
    }
    return new Report(
        lost, twice, duplicatesWrong, rowsWrong, countMissing, countExtra, unavailable, samples);
  }

  /** The rows of an aggregate answer; empty for a 404; null when it did not answer. */
  private static JsonNode rows(String uri) {
    Harness.Answer answer = Harness.get(uri);
    if (answer.status() == 404) {
      return Harness.JSON.createArrayNode();
    }
    return answer.status() == 200 ? answer.json() : null;
  }

  /** [rows wrong, counts missing, counts extra]. */
  private static long[] compare(
      String what,
      JsonNode rows,
      String key,
      Map<String, Expected.Figures> want,
      List<String> samples) {
    long wrong = 0;
    long missing = 0;
    long extra = 0;
    Map<String, JsonNode> got = new HashMap<>();
    for (JsonNode row : rows) {
      got.put(row.get(key).asText(), row);
    }
    for (Map.Entry<String, Expected.Figures> entry : want.entrySet()) {
      JsonNode row = got.remove(entry.getKey());
      Expected.Figures f = entry.getValue();
      if (row == null) {
        wrong++;
        missing += f.count;
        note(samples, what + " " + entry.getKey() + " missing");
        continue;
      }
      long count = row.get("count").asLong();
      missing += Math.max(0, f.count - count);
      extra += Math.max(0, count - f.count);
      if (count != f.count
          || row.get("min").asDouble() != f.min
          || row.get("max").asDouble() != f.max
          || !close(row.get("sum").asDouble(), f.sum)
          || !close(row.get("mean").asDouble(), f.mean())
          || !close(row.get("stdev").asDouble(), f.stdev())) {
        wrong++;
        note(
            samples,
            String.format(
                "%s %s got %s, want count %d min %s max %s sum %s mean %s stdev %s",
                what, entry.getKey(), row, f.count, f.min, f.max, f.sum, f.mean(), f.stdev()));
      }
    }
    for (Map.Entry<String, JsonNode> surplus : got.entrySet()) {
      wrong++;
      extra += surplus.getValue().get("count").asLong();
      note(samples, what + " " + surplus.getKey() + " should not exist: " + surplus.getValue());
    }
    return new long[] {wrong, missing, extra};
  }

  private static boolean close(double got, double want) {
    return Math.abs(got - want) <= Math.max(1e-6, Math.abs(want) * 1e-9);
  }

  private static void note(List<String> samples, String sample) {
    if (samples.size() < 5) {
      samples.add(sample);
    }
  }

  private static String encode(String device) {
    return device; // ':' is fine in a path segment
  }
}
