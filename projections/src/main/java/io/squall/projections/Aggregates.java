package io.squall.projections;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/** What the API reads: aggregates of the version that serves reads, and top-K days. */
public final class Aggregates {
  private final AggregatesRepository repository;
  private final IntSupplier servingVersion;

  /** Reads from {@code repository}, always the version {@code servingVersion} names. */
  public Aggregates(AggregatesRepository repository, IntSupplier servingVersion) {
    this.repository = repository;
    this.servingVersion = servingVersion;
  }

  /** A daily figure that ranks days. */
  public enum Figure {
    SUM(Aggregate::sum),
    MAX(Aggregate::max),
    MIN(Aggregate::min),
    MEAN(Aggregate::mean);

    private final ToDoubleFunction<Aggregate> value;

    Figure(ToDoubleFunction<Aggregate> value) {
      this.value = value;
    }

    public double of(Aggregate aggregate) {
      return value.applyAsDouble(aggregate);
    }

    /** The figure named {@code name} (sum, max, min, mean), or null. */
    public static Figure named(String name) {
      for (Figure figure : values()) {
        if (figure.name().toLowerCase(Locale.ROOT).equals(name)) {
          return figure;
        }
      }
      return null;
    }
  }

  /** One ranked day. */
  public record Ranked(LocalDate date, double value) {}

  public int version() {
    return servingVersion.getAsInt();
  }

  public CompletionStage<List<AggregateRow>> daily(
      String deviceId, String metric, LocalDate from, LocalDate to) {
    return repository.daily(version(), deviceId, metric, from, to);
  }

  public CompletionStage<List<AggregateRow>> monthly(String deviceId, String metric, int year) {
    return repository.monthly(version(), deviceId, metric, year);
  }

  /**
   * {@code value} to 9 decimals: sums of decimal readings carry binary noise (0.1 + 0.2), and days
   * that tie in decimals must tie here too.
   */
  public static double rounded(double value) {
    return Math.round(value * 1e9) / 1e9;
  }

  /** The {@code k} days of {@code year} with the largest {@code figure}; ties go to the earlier. */
  public CompletionStage<List<Ranked>> top(
      String deviceId, String metric, int year, int k, Figure figure) {
    return daily(deviceId, metric, LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31))
        .thenApply(rows -> top(rows, k, figure));
  }

  static List<Ranked> top(List<AggregateRow> rows, int k, Figure figure) {
    return rows.stream()
        .map(
            row ->
                new Ranked(
                    ((AggregateRow.Day) row.key()).date(), rounded(figure.of(row.aggregate()))))
        .sorted(Comparator.comparingDouble(Ranked::value).reversed().thenComparing(Ranked::date))
        .limit(k)
        .toList();
  }
}
