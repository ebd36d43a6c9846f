package io.squall.projections;

/**
 * Count, min, max, sum and sum of squares of a metric over a period; mean and population standard
 * deviation derive from them, so aggregates merge exactly.
 */
public record Aggregate(long count, double min, double max, double sum, double sumOfSquares) {

  public static Aggregate of(double value) {
    return new Aggregate(1, value, value, value, value * value);
  }

  public Aggregate plus(Aggregate other) {
    return new Aggregate(
        count + other.count,
        Math.min(min, other.min),
        Math.max(max, other.max),
        sum + other.sum,
        sumOfSquares + other.sumOfSquares);
  }

  public double mean() {
    return sum / count;
  }

  /** Population standard deviation; never negative, whatever the rounding. */
  public double stdev() {
    double mean = mean();
    return Math.sqrt(Math.max(0.0, sumOfSquares / count - mean * mean));
  }
}
