package io.squall.projections;

import java.util.HashMap;
import java.util.Map;

/**
 * One device's row of a day or a month: every metric's aggregate, and the sequence number of the
 * device's last event folded in. An event at or below {@code lastSeq} is never folded twice, and
 * the row is written with {@code lastSeq} as its write timestamp, so an older write never
 * overwrites it.
 */
public record PeriodRow(Period period, Map<String, Aggregate> metrics, long lastSeq) {

  public PeriodRow {
    metrics = Map.copyOf(metrics);
  }

  /** An empty row: what a period with no reading folded yet holds. */
  public static PeriodRow empty(Period period) {
    return new PeriodRow(period, Map.of(), 0);
  }

  /**
   * This row with event {@code sequenceNr}'s contribution folded in; itself when that event is
   * already in it.
   */
  public PeriodRow plus(Map<String, Aggregate> contribution, long sequenceNr) {
    if (sequenceNr <= lastSeq) {
      return this;
    }
    Map<String, Aggregate> merged = new HashMap<>(metrics);
    contribution.forEach((metric, aggregate) -> merged.merge(metric, aggregate, Aggregate::plus));
    return new PeriodRow(period, merged, sequenceNr);
  }
}
