package io.squall.projections;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * One row of an aggregate table, with the highest sequence number of its device's events already in
 * it: an event at or below {@code lastSeq} is never applied twice.
 */
public record AggregateRow(Key key, Aggregate aggregate, long lastSeq) {

  /** Which row: a device's metric on a UTC day, or in a UTC month. */
  public sealed interface Key {
    String deviceId();

    String metric();
  }

  public record Day(String deviceId, String metric, LocalDate date) implements Key {}

  public record Month(String deviceId, String metric, YearMonth month) implements Key {}
}
