package io.squall.projections;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/** What the API reads: aggregates of the version that serves reads, and top-K days. */
public final class Aggregates {
  private static final int DECIMALS = 9;

  /** A double holds 15 significant decimal digits exactly; beyond them is noise. */
  private static final int SIGNIFICANT_DIGITS = 15;

  private final AggregatesRepository repository;
  private final Supplier<ProjectionVersions.State> versions;
  private final RowCache cache;

  /** Reads from {@code repository}, always the version that serves in {@code versions}. */
  public Aggregates(AggregatesRepository repository, Supplier<ProjectionVersions.State> versions) {
    this(repository, versions, null);
  }

  /** Reads rows from {@code cache} where it knows them all, from {@code repository} otherwise. */
  Aggregates(
      AggregatesRepository repository,
      Supplier<ProjectionVersions.State> versions,
      RowCache cache) {
    this.repository = repository;
    this.versions = versions;
    this.cache = cache;
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
    return versions.get().current();
  }

  public CompletionStage<List<AggregateRow>> daily(
      String deviceId, String metric, LocalDate from, LocalDate to) {
    ProjectionVersions.State state = versions.get();
    if (state.legacy()) {
      return repository.dailyOfEarlierLayout(state.current(), deviceId, metric, from, to);
    }
    if (cache == null) {
      return repository.daily(state.current(), deviceId, metric, from, to);
    }
    List<Period.Day> days = from.datesUntil(to.plusDays(1)).map(Period.Day::new).toList();
    return rows(state.current(), deviceId, days)
        .thenApply(r -> PeriodRow.figures(deviceId, metric, r));
  }

  public CompletionStage<List<AggregateRow>> monthly(String deviceId, String metric, int year) {
    ProjectionVersions.State state = versions.get();
    if (state.legacy()) {
      return repository.monthlyOfEarlierLayout(state.current(), deviceId, metric, year);
    }
    if (cache == null) {
      return repository.monthly(state.current(), deviceId, metric, year);
    }
    List<Period.Month> months =
        IntStream.rangeClosed(1, 12)
            .mapToObj(m -> new Period.Month(YearMonth.of(year, m)))
            .toList();
    return rows(state.current(), deviceId, months)
        .thenApply(r -> PeriodRow.figures(deviceId, metric, r));
  }

  /** The rows of {@code periods} that exist: from the cache if it knows them all. */
  private CompletionStage<List<PeriodRow>> rows(
      int version, String deviceId, List<? extends Period> periods) {
    List<PeriodRow> known = cache.rows(deviceId, version, periods);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    RowCache.Fetch fetch = cache.fetching(deviceId);
    return repository
        .range(version, deviceId, periods)
        .whenComplete((found, failure) -> cache.fetched(fetch, version, periods, found));
  }

  /**
   * {@code value} to 9 decimals, and to at most {@value #SIGNIFICANT_DIGITS} significant digits:
   * sums of decimal readings carry binary noise (0.1 + 0.2), and days that tie in decimals must tie
   * here too. Exact at any magnitude — the double's binary value rounded half-even in decimal — so
   * 1e12 or -1e300 keep their value (scaling into a long would clamp them near 9.2e9), a value
   * below half a billionth is 0, and NaN and infinities are kept as they are.
   */
  public static double rounded(double value) {
    if (!Double.isFinite(value)) {
      return value;
    }
    if (Math.abs(value) < 1e6) {
      // nine decimals below a million: the nearest integer to value * 1e9 (whose rounding error
      // fma gives exactly), unless value * 1e9 lies too near a half to tell without BigDecimal
      double scaled = value * 1e9;
      double error = Math.fma(value, 1e9, -scaled);
      double nearest = Math.rint(scaled);
      if (Math.abs(scaled - nearest) + Math.abs(error) < 0.5 - Math.ulp(scaled)) {
        // as BigDecimal.doubleValue divides a nine-decimal figure; + 0.0 makes -0.0 a 0.0
        return nearest / 1e9 + 0.0;
      }
    }
    return roundedExactly(value);
  }

  /** {@link #rounded} through BigDecimal, at any magnitude. */
  static double roundedExactly(double value) {
    BigDecimal exact = new BigDecimal(value);
    int integerDigits = exact.precision() - exact.scale();
    int decimals = Math.min(DECIMALS, SIGNIFICANT_DIGITS - integerDigits);
    double rounded = exact.setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    // only within a rounding step of Double.MAX_VALUE can rounding up leave the doubles
    return Double.isInfinite(rounded) ? value : rounded;
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
