package io.squall.sharding.internal;

import io.squall.persistence.Reading;
import io.squall.sharding.BadReadingException;
import io.squall.sharding.BadReadingException.Kind;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

/**
 * ISD-lite CSV, no header, 13 columns: {@code wsid, year, month, day, hour, temperature, dewpoint,
 * pressure, wind_direction, wind_speed, sky_condition, precipitation_1h, precipitation_6h}.
 * Dewpoint 999.9 and pressure 0.0 mean missing; precipitation -0.1 is a trace, counted as 0.0. A
 * line with dewpoint 999.9 <em>and</em> pressure 0.0 is a filler record, where only sky_condition
 * and the precipitations were observed: its temperature, wind_direction and wind_speed are missing
 * too. A line with dewpoint 999.9 but a real pressure keeps its temperature and wind.
 */
public final class IsdLiteDecoder {
  private static final int COLUMNS = 13;
  private static final String[] METRICS = {
    "temperature",
    "dewpoint",
    "pressure",
    "wind_direction",
    "wind_speed",
    "sky_condition",
    "precipitation_1h",
    "precipitation_6h"
  };
  private static final int TEMPERATURE = 0;
  private static final int DEWPOINT = 1;
  private static final int PRESSURE = 2;
  private static final int WIND_DIRECTION = 3;
  private static final int WIND_SPEED = 4;
  private static final int PRECIPITATION_1H = 6;
  private static final String[] TIME_COLUMNS = {"year", "month", "day", "hour"};

  private IsdLiteDecoder() {}

  /**
   * One decoded line, reused from line to line by one decoding thread: the device, the hour and
   * each of {@link #names()}' values, {@code NaN} where the line says it is missing.
   */
  public static final class Line {
    private final double[] values = new double[METRICS.length];
    private String deviceId;
    private long epochMilli;

    public String deviceId() {
      return deviceId;
    }

    public long epochMilli() {
      return epochMilli;
    }

    /** The metric names, the same array for every line. */
    public String[] names() {
      return METRICS;
    }

    /** The values, {@code NaN} where missing; overwritten by the next line. */
    public double[] values() {
      return values;
    }
  }

  /** Decodes {@code bytes} into {@code into}; throws {@link BadReadingException} naming a flaw. */
  public static void decode(byte[] bytes, Line into) {
    String line = Utf8.decode(bytes).strip();
    if (line.isEmpty()) {
      throw new BadReadingException(Kind.MALFORMED, "empty line");
    }
    String[] columns = columns(line);
    String device = columns[0].strip();
    if (device.isEmpty()) {
      throw new BadReadingException(Kind.MALFORMED, "empty device id (column wsid)");
    }
    int[] time = new int[4];
    for (int i = 0; i < time.length; i++) {
      time[i] = integer(columns[1 + i], TIME_COLUMNS[i]);
    }
    LocalDate date;
    try {
      date = LocalDate.of(time[0], time[1], time[2]);
    } catch (DateTimeException e) {
      throw new BadReadingException(
          Kind.MALFORMED,
          "impossible date " + time[0] + "-" + time[1] + "-" + time[2] + " (year-month-day)");
    }
    if (time[3] < 0 || time[3] > 23) {
      throw new BadReadingException(
          Kind.MALFORMED, "impossible hour " + time[3] + " (expected 0-23)");
    }
    double[] values = into.values;
    for (int i = 0; i < METRICS.length; i++) {
      values[i] = number(columns[5 + i], METRICS[i]);
    }
    boolean noDewpoint = values[DEWPOINT] == 999.9;
    boolean noPressure = values[PRESSURE] == 0.0;
    boolean filler = noDewpoint && noPressure;
    for (int i = 0; i < METRICS.length; i++) {
      if (i == DEWPOINT && noDewpoint
          || i == PRESSURE && noPressure
          || filler && (i == TEMPERATURE || i == WIND_DIRECTION || i == WIND_SPEED)) {
        values[i] = Double.NaN;
      } else if (values[i] == -0.1 && i >= PRECIPITATION_1H) {
        values[i] = 0.0;
      }
    }
    long epochSecond = date.toEpochDay() * 86_400 + time[3] * 3_600L;
    // the limits in Reading.of's order; a year of up to nine digits is out of range before its
    // milliseconds could overflow
    Reading.Limits.checkDeviceId(device);
    Reading.Limits.checkTimestamp(Instant.ofEpochSecond(epochSecond));
    into.deviceId = device;
    into.epochMilli = epochSecond * 1_000;
  }

  /** One line as a {@link Reading} (tests, tools). */
  public static Reading decode(byte[] bytes) {
    Line line = new Line();
    decode(bytes, line);
    Map<String, Double> metrics = new HashMap<>();
    for (int i = 0; i < METRICS.length; i++) {
      if (!Double.isNaN(line.values[i])) {
        metrics.put(METRICS[i], line.values[i]);
      }
    }
    return Reading.of(line.deviceId, Instant.ofEpochMilli(line.epochMilli), metrics);
  }

  private static String[] columns(String line) {
    int found = 1;
    for (int comma = line.indexOf(','); comma >= 0; comma = line.indexOf(',', comma + 1)) {
      found++;
    }
    if (found != COLUMNS) {
      throw new BadReadingException(
          Kind.MALFORMED, "expected " + COLUMNS + " comma-separated columns, found " + found);
    }
    String[] columns = new String[COLUMNS];
    int from = 0;
    for (int c = 0; c < COLUMNS - 1; c++) {
      int comma = line.indexOf(',', from);
      columns[c] = line.substring(from, comma);
      from = comma + 1;
    }
    columns[COLUMNS - 1] = line.substring(from);
    return columns;
  }

  private static int integer(String text, String column) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new BadReadingException(
          Kind.MALFORMED,
          "column " + column + " is not a whole number: " + Reading.Limits.quote(text.strip()));
    }
  }

  private static double number(String text, String column) {
    double value = Decimals.parse(text);
    if (!Double.isNaN(value)) {
      return value;
    }
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new BadReadingException(
          Kind.MALFORMED,
          "column " + column + " is not a number: " + Reading.Limits.quote(text.strip()));
    }
    if (!Double.isFinite(value)) {
      throw new BadReadingException(Kind.MALFORMED, "column " + column + " is not a finite number");
    }
    return value;
  }
}
