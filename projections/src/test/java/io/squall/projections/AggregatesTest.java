package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregatesTest {

  private static AggregateRow day(String date, double sum) {
    return new AggregateRow(
        new AggregateRow.Day("dev", "m", LocalDate.parse(date)),
        new Aggregate(1, sum, sum, sum, sum * sum),
        1);
  }

  @Test
  void shouldRemoveBinaryNoiseFromDecimalSums() {
    assertEquals(0.3, Aggregates.rounded(0.1 + 0.2));
    assertEquals(-0.3, Aggregates.rounded(-0.1 - 0.2));
    assertEquals(12.345678912, Aggregates.rounded(12.3456789124));
  }

  @Test
  void shouldKeepSumsFarAboveWhatALongScaledByABillionHolds() {
    // Math.round(x * 1e9) / 1e9 answered 9.223372036854776E9 for each of these
    assertEquals(9.3e9, Aggregates.rounded(9.3e9));
    assertEquals(1e10 + 0.25, Aggregates.rounded(1e10 + 0.25));
    assertEquals(1e12, Aggregates.rounded(1e12));
    assertEquals(123_456_789_012.346, Aggregates.rounded(123_456_789_012.345_678));
    assertEquals(1e300, Aggregates.rounded(1e300));
    assertEquals(Double.MAX_VALUE, Aggregates.rounded(Double.MAX_VALUE));
  }

  @Test
  void shouldKeepLargeNegativeSums() {
    // the old rounding clamped these to -9.223372036854776E9
    assertEquals(-2.5e10, Aggregates.rounded(-2.5e10));
    assertEquals(-1e12 - 0.5, Aggregates.rounded(-1e12 - 0.5));
    assertEquals(-1e300, Aggregates.rounded(-1e300));
  }

  @Test
  void shouldMakeLargeSumsThatAreEqualInDecimalsEqual() {
    assertEquals(Aggregates.rounded(1e10 + 0.3), Aggregates.rounded(1e10 + 0.1 + 0.2));
    assertEquals(Aggregates.rounded(7e12 + 0.3), Aggregates.rounded(7e12 + 0.1 + 0.2));
  }

  @Test
  void shouldRoundTinyValuesToNineDecimalsWithoutANegativeZero() {
    assertEquals(0.000000001, Aggregates.rounded(0.0000000012));
    assertEquals(0.0, Aggregates.rounded(1e-12));
    assertEquals(0.0, Aggregates.rounded(1e-300));
    assertEquals("0.0", Double.toString(Aggregates.rounded(-1e-12)));
    assertEquals(Double.NaN, Aggregates.rounded(Double.NaN));
    assertEquals(Double.NEGATIVE_INFINITY, Aggregates.rounded(Double.NEGATIVE_INFINITY));
  }

  @Test
  void shouldRankDaysWithSumsAboveTenBillionByTheirRealValue() {
    List<Aggregates.Ranked> top =
        Aggregates.top(
            List.of(
                day("2008-01-01", 2e10),
                day("2008-01-02", 3e12),
                day("2008-01-03", 1e10 + 0.1 + 0.2),
                day("2008-01-04", 1e10 + 0.3),
                day("2008-01-05", -4e11)),
            5,
            Aggregates.Figure.SUM);
    assertEquals(
        List.of(
            new Aggregates.Ranked(LocalDate.parse("2008-01-02"), 3e12),
            new Aggregates.Ranked(LocalDate.parse("2008-01-01"), 2e10),
            new Aggregates.Ranked(LocalDate.parse("2008-01-03"), 1e10 + 0.3),
            new Aggregates.Ranked(LocalDate.parse("2008-01-04"), 1e10 + 0.3),
            new Aggregates.Ranked(LocalDate.parse("2008-01-05"), -4e11)),
        top);
  }

  @Test
  void shouldRoundQuicklyAsBigDecimalDoes() {
    assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(Aggregates.rounded(-1e-12)));
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 2_000_000; i++) {
      double value =
          switch (i % 5) {
            case 0 -> random.nextDouble(-1e6, 1e6);
            case 1 -> random.nextDouble(-100, 100);
            case 2 -> random.nextInt(-100_000, 100_000) / 10.0 * random.nextInt(1, 50) / 7.0;
            case 3 -> random.nextInt(-1_000_000, 1_000_000) / 1024.0; // ties at the 10th decimal
            default -> random.nextDouble() * Math.pow(10, random.nextInt(-15, 8));
          };
      assertEquals(
          Double.doubleToLongBits(Aggregates.roundedExactly(value)),
          Double.doubleToLongBits(Aggregates.rounded(value)),
          "rounded(" + value + ")");
    }
  }
}
