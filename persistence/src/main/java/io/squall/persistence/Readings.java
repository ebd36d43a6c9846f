package io.squall.persistence;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * One device's readings in primitive arrays — the one representation of a batch from the decoder
 * through the {@link Device.Record} command, the journal's event and the aggregates' fold:
 * timestamps in a {@code long[]}, and each reading's observed values as entries (a metric's index
 * and its value) in an {@code int[]} and a {@code double[]}, each metric name once. No object or
 * map per reading on the way, and no slot for a metric a reading did not observe, however many
 * names a batch holds.
 *
 * <p>It is also a {@code List<Reading>}, whose elements are built on demand, for the places a
 * reading at a time reads best (tests, tools, the earlier CBOR format). Immutable; {@link Builder}
 * is the only way in from outside and enforces {@link Reading.Limits} as {@link Reading#of} does.
 */
public final class Readings extends AbstractList<Reading> implements RandomAccess {
  private static final Readings NONE =
      new Readings("", new String[0], new long[0], null, new int[] {0}, new int[0], new double[0]);

  private final String deviceId;
  private final String[] metrics;
  private final long[] epochMillis;
  // Nanoseconds within each millisecond: only events journaled before readings were truncated to
  // whole milliseconds have them; null for everything else.
  private final int[] subMilliNanos;
  // Reading i's entries are entryStart[i] (inclusive) to entryStart[i + 1] (exclusive).
  private final int[] entryStart;
  private final int[] entryMetric;
  private final double[] entryValue;

  private Readings(
      String deviceId,
      String[] metrics,
      long[] epochMillis,
      int[] subMilliNanos,
      int[] entryStart,
      int[] entryMetric,
      double[] entryValue) {
    this.deviceId = deviceId;
    this.metrics = metrics;
    this.epochMillis = epochMillis;
    this.subMilliNanos = subMilliNanos;
    this.entryStart = entryStart;
    this.entryMetric = entryMetric;
    this.entryValue = entryValue;
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
    Columns columns = new Columns(deviceId, readings.size());
    for (Reading reading : readings) {
      if (!reading.deviceId().equals(deviceId)) {
        throw new IllegalArgumentException(
            "readings of devices " + deviceId + " and " + reading.deviceId() + " in one batch");
      }
      columns.newRow(reading.timestamp());
      reading.metrics().forEach(columns::add);
    }
    return columns.done();
  }

  public String deviceId() {
    return deviceId;
  }

  @Override
  public int size() {
    return epochMillis.length;
  }

  /** How many metric names the batch has; each reading observes some of them. */
  public int metricCount() {
    return metrics.length;
  }

  public String metric(int m) {
    return metrics[m];
  }

  /** Reading {@code i}'s first entry. */
  public int entryStart(int i) {
    return entryStart[i];
  }

  /** Past reading {@code i}'s last entry. */
  public int entryEnd(int i) {
    return entryStart[i + 1];
  }

  /** The metric (its index) of entry {@code e}. */
  public int entryMetric(int e) {
    return entryMetric[e];
  }

  public double entryValue(int e) {
    return entryValue[e];
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
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException(i);
    }
    Map<String, Double> observed = new HashMap<>();
    for (int e = entryStart[i]; e < entryStart[i + 1]; e++) {
      observed.put(metrics[entryMetric[e]], entryValue[e]);
    }
    return new Reading(deviceId, timestamp(i), observed);
  }

  /** Readings {@code from} (inclusive) to {@code to} (exclusive), in arrays of their own. */
  public Readings slice(int from, int to) {
    int[] rows = new int[to - from];
    Arrays.setAll(rows, r -> from + r);
    return select(rows, rows.length);
  }

  /**
   * The first {@code count} readings that {@code rows} names, in that order, with only the metric
   * names they observe.
   */
  public Readings select(int[] rows, int count) {
    if (count == size() && isIdentity(rows)) {
      return this;
    }
    if (count == 0) {
      return NONE;
    }
    int[] renumbered = new int[metrics.length];
    Arrays.fill(renumbered, -1);
    int used = 0;
    int entries = 0;
    for (int r = 0; r < count; r++) {
      for (int e = entryStart[rows[r]]; e < entryStart[rows[r] + 1]; e++) {
        if (renumbered[entryMetric[e]] < 0) {
          renumbered[entryMetric[e]] = used++;
        }
        entries++;
      }
    }
    String[] names = new String[used];
    for (int m = 0; m < metrics.length; m++) {
      if (renumbered[m] >= 0) {
        names[renumbered[m]] = metrics[m];
      }
    }
    long[] millis = new long[count];
    int[] nanos = subMilliNanos == null ? null : new int[count];
    int[] starts = new int[count + 1];
    int[] metricOf = new int[entries];
    double[] valueOf = new double[entries];
    int next = 0;
    for (int r = 0; r < count; r++) {
      int row = rows[r];
      millis[r] = epochMillis[row];
      if (nanos != null) {
        nanos[r] = subMilliNanos[row];
      }
      starts[r] = next;
      for (int e = entryStart[row]; e < entryStart[row + 1]; e++) {
        metricOf[next] = renumbered[entryMetric[e]];
        valueOf[next++] = entryValue[e];
      }
    }
    starts[count] = next;
    return new Readings(deviceId, names, millis, nanos, starts, metricOf, valueOf);
  }

  private boolean isIdentity(int[] rows) {
    for (int r = 0; r < size(); r++) {
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
    private final Columns columns;
    private final Map<String, Integer> indexes = new HashMap<>();
    // The names of the last add and their metric indexes: decoders pass the same names reading
    // after reading, so each is looked up once (compared by content, the caller may reuse arrays).
    private String[] lastNames = new String[0];
    private int[] lastIndexes = new int[0];

    private Builder(String deviceId) {
      Reading.Limits.checkDeviceId(deviceId);
      this.deviceId = deviceId;
      this.columns = new Columns(deviceId, 16);
    }

    public String deviceId() {
      return deviceId;
    }

    public int size() {
      return columns.size;
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
      int[] metricOf = indexesOf(names);
      columns.newRow(epochMilli, 0);
      for (int k = 0; k < names.length; k++) {
        if (!Double.isNaN(values[k])) {
          columns.addEntry(metricOf[k], values[k]);
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
      if (reading.timestamp().getNano() % 1_000_000 != 0) {
        throw new IllegalArgumentException("a reading with a timestamp finer than milliseconds");
      }
      String[] names = reading.metrics().keySet().toArray(String[]::new);
      double[] observed = new double[names.length];
      for (int k = 0; k < names.length; k++) {
        observed[k] = reading.metrics().get(names[k]);
      }
      return add(reading.timestamp().toEpochMilli(), names, observed);
    }

    public Readings build() {
      return columns.size == 0 ? NONE : columns.copy();
    }

    /** Each name's metric index; a name seen for the first time is checked first. */
    private int[] indexesOf(String[] names) {
      if (Arrays.equals(names, lastNames)) {
        return lastIndexes;
      }
      for (String name : names) {
        if (!indexes.containsKey(name)) {
          Reading.Limits.checkMetricName(name);
        }
      }
      int[] metricOf = new int[names.length];
      for (int k = 0; k < names.length; k++) {
        metricOf[k] = columns.metric(names[k], indexes);
      }
      lastNames = names.clone();
      lastIndexes = metricOf;
      return metricOf;
    }
  }

  /**
   * Readings filled a reading, then its entries, at a time; trusted (the journal, earlier formats):
   * no limit is checked here.
   */
  static final class Columns {
    private final String deviceId;
    private String[] metrics;
    private int metricCount;
    private Map<String, Integer> byName;
    private long[] epochMillis;
    private int[] subMilliNanos;
    private int[] entryStart;
    private int[] entryMetric;
    private double[] entryValue;
    private int size;
    private int entries;

    Columns(String deviceId, int capacity) {
      this(deviceId, new String[0], capacity);
    }

    /** Columns whose metrics are {@code metrics}, by index ({@link #addEntry}). */
    Columns(String deviceId, String[] metrics, int capacity) {
      this.deviceId = deviceId;
      this.metrics = metrics;
      this.metricCount = metrics.length;
      int rows = Math.max(capacity, 1);
      this.epochMillis = new long[rows];
      this.entryStart = new int[rows + 1];
      this.entryMetric = new int[rows * 4];
      this.entryValue = new double[rows * 4];
    }

    void newRow(Instant timestamp) {
      newRow(timestamp.toEpochMilli(), timestamp.getNano() % 1_000_000);
    }

    void newRow(long epochMilli, int nanosInMilli) {
      if (size == epochMillis.length) {
        epochMillis = Arrays.copyOf(epochMillis, size * 2);
        entryStart = Arrays.copyOf(entryStart, size * 2 + 1);
        if (subMilliNanos != null) {
          subMilliNanos = Arrays.copyOf(subMilliNanos, size * 2);
        }
      }
      if (nanosInMilli != 0) {
        if (subMilliNanos == null) {
          subMilliNanos = new int[epochMillis.length];
        }
        subMilliNanos[size] = nanosInMilli;
      }
      epochMillis[size] = epochMilli;
      entryStart[size] = entries;
      entryStart[size + 1] = entries;
      size++;
    }

    /** The index of metric {@code name}, given one if new ({@code indexes} maps names to it). */
    int metric(String name, Map<String, Integer> indexes) {
      Integer index = indexes.get(name);
      if (index == null) {
        index = metricCount;
        if (metricCount == metrics.length) {
          metrics = Arrays.copyOf(metrics, Math.max(4, metricCount * 2));
        }
        metrics[metricCount++] = name;
        indexes.put(name, index);
      }
      return index;
    }

    /** Adds {@code name}'s value to the last reading. */
    void add(String name, double value) {
      if (byName == null) {
        byName = new HashMap<>();
        for (int m = 0; m < metricCount; m++) {
          byName.put(metrics[m], m);
        }
      }
      addEntry(metric(name, byName), value);
    }

    /** Adds the value of metric {@code metric} (an index) to the last reading. */
    void addEntry(int metric, double value) {
      if (metric < 0 || metric >= metricCount) {
        throw new IllegalArgumentException("metric " + metric + " of " + metricCount);
      }
      if (entries == entryMetric.length) {
        entryMetric = Arrays.copyOf(entryMetric, entries * 2);
        entryValue = Arrays.copyOf(entryValue, entries * 2);
      }
      entryMetric[entries] = metric;
      entryValue[entries++] = value;
      entryStart[size] = entries;
    }

    Readings done() {
      return size == 0 ? NONE : copy();
    }

    private Readings copy() {
      return new Readings(
          deviceId,
          Arrays.copyOf(metrics, metricCount),
          Arrays.copyOf(epochMillis, size),
          subMilliNanos == null ? null : Arrays.copyOf(subMilliNanos, size),
          Arrays.copyOf(entryStart, size + 1),
          Arrays.copyOf(entryMetric, entries),
          Arrays.copyOf(entryValue, entries));
    }
  }
}
