package io.squall.sharding;

import io.squall.persistence.InvalidReadingException;
import io.squall.persistence.Reading;
import io.squall.sharding.BadReadingException.Kind;
import io.squall.sharding.internal.IsdLiteDecoder;
import io.squall.sharding.internal.JsonDecoder;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How the bytes of a Kafka record become a {@link Reading}: ISD-lite CSV (the NOAA/KillrWeather
 * layout), JSON, or either, told apart by the first character.
 */
public enum SourceFormat {
  ISD_LITE,
  JSON,
  AUTO;

  /** The format named {@code name} in configuration: isd-lite, json or auto. */
  public static SourceFormat named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "isd-lite", "csv" -> ISD_LITE;
      case "json" -> JSON;
      case "auto" -> AUTO;
      default ->
          throw new IllegalArgumentException(
              "unknown format '" + name + "' (expected isd-lite, json or auto)");
    };
  }

  /**
   * Where {@link #decode(byte[], Target)} puts a reading: {@code values[k]} is metric {@code
   * names[k]}'s value, {@code NaN} where not observed; the arrays may be reused after the call.
   * What it throws ({@link InvalidReadingException} for a limit) makes the record a bad one.
   */
  interface Target {
    void reading(String deviceId, long epochMilli, String[] names, double[] values);

    /** A reading that {@link Reading#of} built (JSON). */
    void reading(Reading reading);
  }

  /**
   * Decodes one record's value; throws {@link BadReadingException} naming what is wrong. What it
   * returns holds every {@link Reading.Limits limit}, so the entity, journal and tables take it.
   */
  public Reading decode(byte[] value) {
    return guarded(
        value,
        () -> {
          if (isJson(value)) {
            return JsonDecoder.decode(value);
          }
          return IsdLiteDecoder.decode(value);
        });
  }

  /**
   * Decodes one record's value into {@code target} without building a {@link Reading} (the
   * consumer's way); throws {@link BadReadingException} naming what is wrong, {@code target}'s own
   * limit checks included. {@code line} is the caller's scratch, reused record after record.
   */
  void decode(byte[] value, IsdLiteDecoder.Line line, Target target) {
    guarded(
        value,
        () -> {
          if (isJson(value)) {
            target.reading(JsonDecoder.decode(value));
          } else {
            IsdLiteDecoder.decode(value, line);
            target.reading(line.deviceId(), line.epochMilli(), line.names(), line.values());
          }
          return null;
        });
  }

  private boolean isJson(byte[] value) {
    return this == JSON || this == AUTO && looksLikeJson(value);
  }

  private static <T> T guarded(byte[] value, Supplier<T> decoding) {
    if (value == null) {
      throw new BadReadingException(Kind.UNREADABLE, "empty record (no value)");
    }
    try {
      Reading.Limits.checkRecordSize(value);
      return decoding.get();
    } catch (BadReadingException e) {
      throw e;
    } catch (InvalidReadingException e) {
      throw new BadReadingException(Kind.INVALID, e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      // A record a decoder cannot handle must never stop the stream: it is a bad record.
      throw new BadReadingException(
          Kind.UNREADABLE, "undecodable record (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static boolean looksLikeJson(byte[] value) {
    for (byte b : value) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }
}
