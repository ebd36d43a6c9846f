package io.squall.projections;

import io.squall.persistence.Device;
import io.squall.persistence.Readings;
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
    Readings readings = event.readings();
    int width = readings.metricCount();
    Map<Period, Sum[]> sums = new TreeMap<>();
    long dayStart = Long.MAX_VALUE;
    Sum[] daySums = null;
    Sum[] monthSums = null;
    for (int i = 0; i < readings.size(); i++) {
      long second = readings.epochSecond(i);
      if (second < dayStart || second >= dayStart + 86_400) {
        Period.Day day = Period.dayOf(second);
        dayStart = Math.floorDiv(second, 86_400) * 86_400;
        daySums = sums.computeIfAbsent(day, p -> new Sum[width]);
        monthSums = sums.computeIfAbsent(day.month(), p -> new Sum[width]);
      }
      for (int e = readings.entryStart(i); e < readings.entryEnd(i); e++) {
        add(daySums, readings.entryMetric(e), readings.entryValue(e));
        add(monthSums, readings.entryMetric(e), readings.entryValue(e));
      }
    }
    Map<Period, Map<String, Aggregate>> contributions = new TreeMap<>();
    sums.forEach(
        (period, metrics) -> {
          Map<String, Aggregate> aggregates = new HashMap<>();
          for (int m = 0; m < width; m++) {
            if (metrics[m] != null) {
              aggregates.put(readings.metric(m), metrics[m].aggregate());
            }
          }
          contributions.put(period, aggregates);
        });
    return contributions;
  }

  private static void add(Sum[] sums, int metric, double value) {
    Sum sum = sums[metric];
    if (sum == null) {
      sum = new Sum();
      sums[metric] = sum;
    }
    sum.add(value);
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
