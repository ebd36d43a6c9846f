package io.squall.projections;

import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one event adds to each of its days and months: per period, per metric, the readings folded
 * in reading order (the same sums, to the bit, as one reading at a time).
 */
final class EventFold {
  private EventFold() {}

  /** Per period of {@code event}, each metric's aggregate over the event's readings. */
  static Map<Period, Map<String, Aggregate>> contributions(Device.ReadingsRecorded event) {
    Map<Period, Map<String, Sum>> sums = new TreeMap<>();
    long dayStart = Long.MAX_VALUE;
    Map<String, Sum> daySums = null;
    Map<String, Sum> monthSums = null;
    for (Reading reading : event.readings()) {
      long second = reading.timestamp().getEpochSecond();
      if (second < dayStart || second >= dayStart + 86_400) {
        Period.Day day = Period.dayOf(second);
        dayStart = Math.floorDiv(second, 86_400) * 86_400;
        daySums = sums.computeIfAbsent(day, p -> new HashMap<>());
        monthSums = sums.computeIfAbsent(day.month(), p -> new HashMap<>());
      }
      for (Map.Entry<String, Double> metric : reading.metrics().entrySet()) {
        double value = metric.getValue();
        daySums.computeIfAbsent(metric.getKey(), m -> new Sum()).add(value);
        monthSums.computeIfAbsent(metric.getKey(), m -> new Sum()).add(value);
      }
    }
    Map<Period, Map<String, Aggregate>> contributions = new TreeMap<>();
    sums.forEach(
        (period, metrics) -> {
          Map<String, Aggregate> aggregates = new HashMap<>();
          metrics.forEach((metric, sum) -> aggregates.put(metric, sum.aggregate()));
          contributions.put(period, aggregates);
        });
    return contributions;
  }

  /**
   * An {@link Aggregate} built in place, one value at a time: the same arithmetic, in the same
   * order, as {@code Aggregate.of(v1).plus(Aggregate.of(v2))…}, without an object per value.
   */
  private static final class Sum {
    private long count;
    private double min;
    private double max;
    private double sum;
    private double sumOfSquares;

    void add(double value) {
      if (count == 0) {
        min = value;
        max = value;
        sum = value;
        sumOfSquares = value * value;
      } else {
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum = sum + value;
        sumOfSquares = sumOfSquares + value * value;
      }
      count++;
    }

    Aggregate aggregate() {
      return new Aggregate(count, min, max, sum, sumOfSquares);
    }
  }
}
