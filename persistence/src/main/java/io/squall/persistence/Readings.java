package io.squall.persistence;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * One device's readings in columns — the one representation of a batch from the decoder through the
 * {@link Device.Record} command, the journal's event and the aggregates' fold: timestamps in a
 * {@code long[]}, values in one {@code double[]} (row by row, {@code NaN} where a metric was not
 * observed), each metric name once. No object or map per reading on the way.
 *
 * <p>It is also a {@code List<Reading>}, whose elements are built on demand, for the places a
 * reading at a time reads best (tests, tools, the earlier CBOR format). Immutable; {@link Builder}
 * is the only way in from outside and enforces {@link Reading.Limits} as {@link Reading#of} does.
 */
public final class Readings extends AbstractList<Reading> implements RandomAccess {
  private static final Readings NONE =
      new Readings("", new String[0], new long[0], null, new double[0], 0);

  private final String deviceId;
  private final String[] metrics;
  private final long[] epochMillis;
  // Nanoseconds within each millisecond: only events journaled before readings were truncated to
  // whole milliseconds have them; null for everything else.
  private final int[] subMilliNanos;
  private final double[] values;
  private final int size;

  private Readings(
      String deviceId,
      String[] metrics,
      long[] epochMillis,
      int[] subMilliNanos,
      double[] values,
      int size) {
    this.deviceId = deviceId;
    this.metrics = metrics;
    this.epochMillis = epochMillis;
    this.subMilliNanos = subMilliNanos;
    this.values = values;
    this.size = size;
  }

  /** No readings (of no device). */
  public static Readings none() {
    return NONE;
  }

  /**
   * The readings of one device, as trusted (the journal's earlier format, tests): no limit is
   * checked; throws {@link IllegalArgumentException} when they are of several devices.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Readings of(List<Reading> readings) {
    if (readings instanceof Readings columns) {
      return columns;
    }
    if (readings.isEmpty()) {
      return NONE;
    }
    String deviceId = readings.get(0).deviceId();
    Map<String, Integer> names = new LinkedHashMap<>();
    for (Reading reading : readings) {
      if (!reading.deviceId().equals(deviceId)) {
        throw new IllegalArgumentException(
            "readings of devices " + deviceId + " and " + reading.deviceId() + " in one batch");
      }
      reading.metrics().keySet().forEach(name -> names.putIfAbsent(name, names.size()));
    }
    Columns columns = new Columns(deviceId, names.keySet().toArray(String[]::new), readings.size());
    for (Reading reading : readings) {
      int row = columns.newRow(reading.timestamp());
      reading
          .metrics()
          .forEach(
              (name, value) -> {
                if (Double.isNaN(value)) {
                  throw new IllegalArgumentException("metric " + name + " is NaN, not a value");
                }
                columns.set(row, names.get(name), value);
              });
    }
    return columns.done();
  }

  public String deviceId() {
    return deviceId;
  }

  @Override
  public int size() {
    return size;
  }

  /** How many metric names the columns have; a reading observes some of them. */
  public int metricCount() {
    return metrics.length;
  }

  public String metric(int m) {
    return metrics[m];
  }

  /** Reading {@code i}'s value of metric {@code m}, {@code NaN} when it did not observe it. */
  public double value(int i, int m) {
    return values[i * metrics.length + m];
  }

  public long epochMilli(int i) {
    return epochMillis[i];
  }

  public long epochSecond(int i) {
    return Math.floorDiv(epochMillis[i], 1_000);
  }

  public Instant timestamp(int i) {
    Instant at = Instant.ofEpochMilli(epochMillis[i]);
    return subMilliNanos == null ? at : at.plusNanos(subMilliNanos[i]);
  }

  /** Nanoseconds of reading {@code i} within its millisecond (0 for every reading since 2026). */
  public int subMilliNanos(int i) {
    return subMilliNanos == null ? 0 : subMilliNanos[i];
  }

  /** Reading {@code i} as an object with a map of its metrics. */
  @Override
  public Reading get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    Map<String, Double> observed = new HashMap<>();
    for (int m = 0; m < metrics.length; m++) {
      double value = value(i, m);
      if (!Double.isNaN(value)) {
        observed.put(metrics[m], value);
      }
    }
    return new Reading(deviceId, timestamp(i), observed);
  }

  /** Readings {@code from} (inclusive) to {@code to} (exclusive), in columns of their own. */
  public Readings slice(int from, int to) {
    int[] rows = new int[to - from];
    Arrays.setAll(rows, r -> from + r);
    return select(rows, rows.length);
  }

  /** The first {@code count} readings that {@code rows} names, in that order. */
  public Readings select(int[] rows, int count) {
    if (count == size && isIdentity(rows)) {
      return this;
    }
    int width = metrics.length;
    long[] millis = new long[count];
    int[] nanos = subMilliNanos == null ? null : new int[count];
    double[] selected = new double[count * width];
    for (int r = 0; r < count; r++) {
      int row = rows[r];
      millis[r] = epochMillis[row];
      if (nanos != null) {
        nanos[r] = subMilliNanos[row];
      }
      System.arraycopy(values, row * width, selected, r * width, width);
    }
    return new Readings(deviceId, metrics, millis, nanos, selected, count);
  }

  private boolean isIdentity(int[] rows) {
    for (int r = 0; r < size; r++) {
      if (rows[r] != r) {
        return false;
      }
    }
    return true;
  }

  /** Builds a device's readings one at a time, checking every {@link Reading.Limits limit}. */
  public static Builder builder(String deviceId) {
    return new Builder(deviceId);
  }

  /**
   * Readings of one device, appended as they are decoded. Each {@link #add} checks the reading
   * whole before it keeps any of it: a reading that breaks a limit throws {@link
   * InvalidReadingException} and leaves the builder as it was.
   */
  public static final class Builder {
    private final String deviceId;
    private final Map<String, Integer> indexes = new HashMap<>();
    private String[] metrics = new String[0];
    private long[] epochMillis = new long[16];
    private double[] values = new double[0];
    private int size;
    // The last names array added and where its names are in the columns: a decoder passes the
    // same array for every reading, so the names are looked up once.
    private String[] lastNames;
    private int[] lastIndexes;

    private Builder(String deviceId) {
      Reading.Limits.checkDeviceId(deviceId);
      this.deviceId = deviceId;
    }

    public String deviceId() {
      return deviceId;
    }

    public int size() {
      return size;
    }

    /**
     * Adds a reading at {@code epochMilli} with {@code values[k]} for metric {@code names[k]}, a
     * {@code NaN} value meaning not observed; the arrays are read, never kept.
     */
    public Builder add(long epochMilli, String[] names, double[] values) {
      Reading.Limits.checkTimestamp(epochMilli);
      int observed = 0;
      for (int k = 0; k < names.length; k++) {
        double value = values[k];
        if (Double.isNaN(value)) {
          continue;
        }
        observed++;
        if (!Double.isFinite(value)) {
          throw new InvalidReadingException("metric " + names[k] + " is not a finite number");
        }
      }
      if (observed > Reading.Limits.MAX_METRICS) {
        throw new InvalidReadingException(
            observed
                + " metrics, over the limit of "
                + Reading.Limits.MAX_METRICS
                + " per reading");
      }
      int[] columns = columnsOf(names);
      int row = newRow(epochMilli);
      int width = metrics.length;
      for (int k = 0; k < names.length; k++) {
        if (!Double.isNaN(values[k])) {
          this.values[row * width + columns[k]] = values[k];
        }
      }
      return this;
    }

    /** Adds a reading that {@link Reading#of} built (its limits hold). */
    public Builder add(Reading reading) {
      if (!reading.deviceId().equals(deviceId)) {
        throw new IllegalArgumentException(
            "a reading of device " + reading.deviceId() + " added to device " + deviceId);
      }
      String[] names = reading.metrics().keySet().toArray(String[]::new);
      double[] observed = new double[names.length];
      for (int k = 0; k < names.length; k++) {
        observed[k] = reading.metrics().get(names[k]);
      }
      long epochMilli = reading.timestamp().toEpochMilli();
      if (reading.timestamp().getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException("a reading with a timestamp finer than milliseconds");
      }
      return add(epochMilli, names, observed);
    }

    public Readings build() {
      if (size == 0) {
        return NONE;
      }
      return new Readings(
          deviceId,
          metrics,
          Arrays.copyOf(epochMillis, size),
          null,
          Arrays.copyOf(values, size * metrics.length),
          size);
    }

    /** Where each of {@code names} is in the columns; a new name is checked, then gets a column. */
    private int[] columnsOf(String[] names) {
      if (names == lastNames) {
        return lastIndexes;
      }
      for (String name : names) {
        if (!indexes.containsKey(name)) {
          Reading.Limits.checkMetricName(name);
        }
      }
      int[] columns = new int[names.length];
      for (int k = 0; k < names.length; k++) {
        Integer column = indexes.get(names[k]);
        if (column == null) {
          column = addColumn(names[k]);
        }
        columns[k] = column;
      }
      lastNames = names;
      lastIndexes = columns;
      return columns;
    }

    private int addColumn(String name) {
      int width = metrics.length;
      int column = width;
      metrics = Arrays.copyOf(metrics, width + 1);
      metrics[column] = name;
      indexes.put(name, column);
      double[] wider = new double[Math.max(epochMillis.length, 1) * (width + 1)];
      Arrays.fill(wider, Double.NaN);
      for (int r = 0; r < size; r++) {
        System.arraycopy(values, r * width, wider, r * (width + 1), width);
      }
      values = wider;
      return column;
    }

    private int newRow(long epochMilli) {
      if (size == epochMillis.length) {
        epochMillis = Arrays.copyOf(epochMillis, size * 2);
      }
      int width = metrics.length;
      if (values.length < (size + 1) * width) {
        int from = values.length;
        values = Arrays.copyOf(values, Math.max(epochMillis.length * width, (size + 1) * width));
        Arrays.fill(values, from, values.length, Double.NaN);
      }
      epochMillis[size] = epochMilli;
      return size++;
    }
  }

  /** Columns filled from trusted readings (the journal, earlier formats): no limit is checked. */
  static final class Columns {
    private final String deviceId;
    private final String[] metrics;
    private final long[] epochMillis;
    private int[] subMilliNanos;
    private final double[] values;
    private int size;

    Columns(String deviceId, String[] metrics, int capacity) {
      this.deviceId = deviceId;
      this.metrics = metrics;
      this.epochMillis = new long[capacity];
      this.values = new double[capacity * metrics.length];
      Arrays.fill(values, Double.NaN);
    }

    int newRow(Instant timestamp) {
      return newRow(timestamp.toEpochMilli(), timestamp.getNano() % 1_000_000);
    }

    int newRow(long epochMilli, int nanosInMilli) {
      if (nanosInMilli != 0) {
        if (subMilliNanos == null) {
          subMilliNanos = new int[epochMillis.length];
        }
        subMilliNanos[size] = nanosInMilli;
      }
      epochMillis[size] = epochMilli;
      return size++;
    }

    void set(int row, int metric, double value) {
      values[row * metrics.length + metric] = value;
    }

    Readings done() {
      if (size != epochMillis.length) {
        throw new IllegalStateException(size + " of " + epochMillis.length + " readings filled");
      }
      return size == 0
          ? NONE
          : new Readings(deviceId, metrics, epochMillis, subMilliNanos, values, size);
    }
  }
}
