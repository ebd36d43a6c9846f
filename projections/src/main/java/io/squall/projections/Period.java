package io.squall.projections;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * A UTC day or month of one device: the key of one aggregate row, which holds every metric of that
 * period. Rows of one device and year share a table partition, keyed by {@link #kind()} and {@link
 * #key()} (ISO-8601, so a range of keys is a range of time).
 */
public sealed interface Period extends Comparable<Period> {

  /** The year whose partition holds this period's row. */
  int year();

  /** {@code day} or {@code month}. */
  String kind();

  /** {@code 2008-07-04} or {@code 2008-07}. */
  String key();

  /** The period of {@code kind} written as {@code key}. */
  static Period of(String kind, String key) {
    return switch (kind) {
      case Day.KIND -> new Day(LocalDate.parse(key));
      case Month.KIND -> new Month(YearMonth.parse(key));
      default -> throw new IllegalArgumentException("no period kind " + kind);
    };
  }

  /** The day of {@code epochSecond}, UTC. */
  static Day dayOf(long epochSecond) {
    return new Day(LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400)));
  }

  /** A UTC day. */
  record Day(LocalDate date) implements Period {
    public static final String KIND = "day";

    @Override
    public int year() {
      return date.getYear();
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public String key() {
      return date.toString();
    }

    public Month month() {
      return new Month(YearMonth.from(date));
    }
  }

  /** A UTC month. */
  record Month(YearMonth month) implements Period {
    public static final String KIND = "month";

    @Override
    public int year() {
      return month.getYear();
    }

    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public String key() {
      return month.toString();
    }
  }

  /** Days before months, each in time order. */
  @Override
  default int compareTo(Period other) {
    if (this instanceof Day a && other instanceof Day b) {
      return a.date().compareTo(b.date());
    }
    if (this instanceof Month a && other instanceof Month b) {
      return a.month().compareTo(b.month());
    }
    return this instanceof Day ? -1 : 1;
  }
}
