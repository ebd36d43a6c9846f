package io.squall.persistence;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Which values of a batch were seen before in it. Batches arrive in order (offsets, and timestamps
 * from a device's own clock), so while each value is above the last no set is needed; the first
 * value out of order fills one.
 */
final class FirstSight {
  private long[] inOrder = new long[16];
  private int count;
  private Set<Long> seen;

  /** Whether {@code value} is seen here for the first time; remembers it. */
  boolean add(long value) {
    if (seen == null) {
      if (count == 0 || value > inOrder[count - 1]) {
        if (count == inOrder.length) {
          inOrder = Arrays.copyOf(inOrder, count * 2);
        }
        inOrder[count++] = value;
        return true;
      }
      seen = new HashSet<>(count * 2);
      for (int i = 0; i < count; i++) {
        seen.add(inOrder[i]);
      }
    }
    return seen.add(value);
  }
}
