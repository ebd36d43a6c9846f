package io.squall.projections;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * A UTC day or month of one device: the key of one aggregate row, which holds every metric of that
 * period. Rows of one device and year share a table partition.
 */
public sealed interface Period extends Comparable<Period> {

  /** The year whose partition holds this period's row. */
  int year();

  /** The day of {@code epochSecond}, UTC. */
  static Day dayOf(long epochSecond) {
    return new Day(LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400)));
  }

  /** A UTC day. */
  record Day(LocalDate date) implements Period {
    @Override
    public int year() {
      return date.getYear();
    }

    public Month month() {
      return new Month(YearMonth.from(date));
    }
  }

  /** A UTC month. */
  record Month(YearMonth month) implements Period {
    @Override
    public int year() {
      return month.getYear();
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
