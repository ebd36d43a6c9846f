package io.squall.projections;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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

  /**
   * {@code metric}'s figures in {@code rows} of {@code deviceId}, as the API reads them, in their
   * order; rows without the metric are left out.
   */
  public static List<AggregateRow> figures(String deviceId, String metric, List<PeriodRow> rows) {
    List<AggregateRow> figures = new ArrayList<>(rows.size());
    for (PeriodRow row : rows) {
      Aggregate aggregate = row.metrics().get(metric);
      if (aggregate != null) {
        AggregateRow.Key key =
            row.period() instanceof Period.Day day
                ? new AggregateRow.Day(deviceId, metric, day.date())
                : new AggregateRow.Month(deviceId, metric, ((Period.Month) row.period()).month());
        figures.add(new AggregateRow(key, aggregate, row.lastSeq()));
      }
    }
    return figures;
  }
}
