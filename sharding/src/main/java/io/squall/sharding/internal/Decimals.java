package io.squall.sharding.internal;

/**
 * Parses the plain decimals that fill a readings file ({@code -12.3}, {@code 1013.2}, {@code 0})
 * without the general parser's cost, to the same double: at most 15 digits make an exact long, and
 * dividing it by an exact power of ten rounds correctly, as {@link Double#parseDouble} does.
 */
final class Decimals {
  private static final int MAX_DIGITS = 15;
  private static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
  };

  private Decimals() {}

  /**
   * The value of {@code text} if it is a plain decimal (an optional minus, digits, an optional
   * point and digits, nothing else); NaN for anything else, which the caller parses in full.
   */
  static double parse(String text) {
    int length = text.length();
    int i = 0;
    boolean negative = length > 0 && text.charAt(0) == '-';
    if (negative) {
      i++;
    }
    long unscaled = 0;
    int digits = 0;
    int fraction = -1;
    for (; i < length; i++) {
      char ch = text.charAt(i);
      if (ch >= '0' && ch <= '9') {
        if (++digits > MAX_DIGITS) {
          return Double.NaN;
        }
        unscaled = unscaled * 10 + (ch - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (ch == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    double value = fraction <= 0 ? (double) unscaled : unscaled / POWERS_OF_TEN[fraction];
    return negative ? -value : value;
  }
}
