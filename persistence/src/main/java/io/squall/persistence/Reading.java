package io.squall.persistence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * One observation of a device: {@code metrics} maps a metric's name to its value; a metric that was
 * not observed is absent, never 0. Input from outside (Kafka records, request bodies, files) is
 * built with {@link #of}, which enforces {@link Limits}; the constructor takes what is already
 * trusted (the journal, tests) as it is.
 */
public record Reading(String deviceId, Instant timestamp, Map<String, Double> metrics)
    implements CborSerializable {
  public Reading {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(timestamp, "timestamp");
    metrics = Map.copyOf(metrics);
  }

  /**
   * The reading, once every limit holds; its timestamp truncated to whole milliseconds (the
   * journal, Cassandra and the dedup index keep milliseconds, so two readings a microsecond apart
   * are the same reading — the first one wins, whatever the batching); throws {@link
   * InvalidReadingException} naming the first limit it breaks.
   */
  public static Reading of(String deviceId, Instant timestamp, Map<String, Double> metrics) {
    Limits.checkDeviceId(deviceId);
    Instant at = timestamp.truncatedTo(ChronoUnit.MILLIS);
    if (at.isBefore(Limits.EARLIEST) || at.isAfter(Limits.LATEST)) {
      throw Limits.outOfRange(timestamp);
    }
    if (metrics.size() > Limits.MAX_METRICS) {
      throw new InvalidReadingException(
          metrics.size() + " metrics, over the limit of " + Limits.MAX_METRICS + " per reading");
    }
    metrics.forEach(
        (name, value) -> {
          Limits.checkMetricName(name);
          if (value == null || !Double.isFinite(value)) {
            throw new InvalidReadingException("metric " + name + " is not a finite number");
          }
        });
    return new Reading(deviceId, at, metrics);
  }

  /**
   * What a reading must hold to be accepted, decided once at decode time so that nothing a decoder
   * accepted can fail later in the entity ({@code PersistenceId}, epoch milliseconds), the journal
   * or the aggregate tables (Cassandra keys, 4-digit years). docs/concepts.md "Limits" documents
   * the same table; each check throws {@link InvalidReadingException} naming the broken limit.
   */
  public static final class Limits {
    /** The largest record value (one ISD-lite line or one JSON reading), checked before parsing. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    /** Longest device id: fits a Kafka key, an actor name and a Cassandra key many times over. */
    public static final int MAX_DEVICE_ID_CHARS = 256;

    public static final String DEVICE_ID_CHARACTERS = "ASCII letters, digits and : . _ - @ +";

    /**
     * Earliest timestamp: no calendar ambiguity (Julian dates) in Cassandra tools; NOAA's start.
     */
    public static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");

    /** Latest timestamp: years stay 4 digits, as the month keys ("YYYY-MM") and the API need. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final long EARLIEST_MILLI = EARLIEST.toEpochMilli();
    private static final long LATEST_MILLI = LATEST.toEpochMilli();

    public static final int MAX_METRICS = 64;
    public static final int MAX_METRIC_NAME_CHARS = 64;
    public static final String METRIC_NAME_CHARACTERS = "ASCII letters, digits and _ . -";

    /** How much of a client's text a reason quotes. */
    private static final int MAX_QUOTED_CHARS = 64;

    private Limits() {}

    /** Rejects a record value over {@link #MAX_RECORD_BYTES}, before anything parses it. */
    public static void checkRecordSize(byte[] value) {
      if (value.length > MAX_RECORD_BYTES) {
        throw new InvalidReadingException(
            "record is " + value.length + " bytes, over the limit of " + MAX_RECORD_BYTES);
      }
    }

    /** Rejects a timestamp (epoch milliseconds) outside {@link #EARLIEST} to {@link #LATEST}. */
    public static void checkTimestamp(long epochMilli) {
      if (epochMilli < EARLIEST_MILLI || epochMilli > LATEST_MILLI) {
        throw outOfRange(Instant.ofEpochMilli(epochMilli));
      }
    }

    /** Rejects a timestamp outside {@link #EARLIEST} to {@link #LATEST}. */
    public static void checkTimestamp(Instant timestamp) {
      if (timestamp.isBefore(EARLIEST) || timestamp.isAfter(LATEST)) {
        throw outOfRange(timestamp);
      }
    }

    private static InvalidReadingException outOfRange(Instant timestamp) {
      return new InvalidReadingException(
          "timestamp " + timestamp + " is outside the range " + EARLIEST + " to " + LATEST);
    }

    public static void checkDeviceId(String id) {
      if (id.isEmpty()) {
        throw new InvalidReadingException("empty device id");
      }
      if (id.length() > MAX_DEVICE_ID_CHARS) {
        throw new InvalidReadingException(
            "device id is "
                + id.length()
                + " characters, over the limit of "
                + MAX_DEVICE_ID_CHARS);
      }
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (!isAsciiLetterOrDigit(c) && ":._-@+".indexOf(c) < 0) {
          throw new InvalidReadingException(
              "device id "
                  + quote(id)
                  + " holds "
                  + describe(c)
                  + "; allowed: "
                  + DEVICE_ID_CHARACTERS);
        }
      }
    }

    public static void checkMetricName(String name) {
      if (name.isEmpty()) {
        throw new InvalidReadingException("empty metric name");
      }
      if (name.length() > MAX_METRIC_NAME_CHARS) {
        throw new InvalidReadingException(
            "metric name "
                + quote(name)
                + " is "
                + name.length()
                + " characters, over the limit of "
                + MAX_METRIC_NAME_CHARS);
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!isAsciiLetterOrDigit(c) && "_.-".indexOf(c) < 0) {
          throw new InvalidReadingException(
              "metric name "
                  + quote(name)
                  + " holds "
                  + describe(c)
                  + "; allowed: "
                  + METRIC_NAME_CHARACTERS);
        }
      }
    }

    /**
     * A client's text for a reason: in quotes, at most 64 characters, control characters shown as
     * {@code ?}, so a reason stays one short line whatever the record held.
     */
    public static String quote(String text) {
      int end = Math.min(text.length(), MAX_QUOTED_CHARS);
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      StringBuilder quoted = new StringBuilder(end + 3).append('\'');
      for (int i = 0; i < end; i++) {
        char c = text.charAt(i);
        quoted.append(Character.isISOControl(c) ? '?' : c);
      }
      if (end < text.length()) {
        quoted.append('…');
      }
      return quoted.append('\'').toString();
    }

    private static boolean isAsciiLetterOrDigit(char c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static String describe(char c) {
      String code = String.format("U+%04X", (int) c);
      return c > ' ' && c < 0x7F ? "'" + c + "' (" + code + ")" : code;
    }
  }
}
