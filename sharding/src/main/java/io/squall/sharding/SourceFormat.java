package io.squall.sharding;

import io.squall.persistence.InvalidReadingException;
import io.squall.persistence.Reading;
import io.squall.sharding.BadReadingException.Kind;
import io.squall.sharding.internal.IsdLiteDecoder;
import io.squall.sharding.internal.JsonDecoder;
import java.util.Locale;

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
   * Decodes one record's value; throws {@link BadReadingException} naming what is wrong. What it
   * returns holds every {@link Reading.Limits limit}, so the entity, journal and tables take it.
   */
  public Reading decode(byte[] value) {
    if (value == null) {
      throw new BadReadingException(Kind.UNREADABLE, "empty record (no value)");
    }
    try {
      Reading.Limits.checkRecordSize(value);
      return switch (this) {
        case ISD_LITE -> IsdLiteDecoder.decode(value);
        case JSON -> JsonDecoder.decode(value);
        case AUTO ->
            looksLikeJson(value) ? JsonDecoder.decode(value) : IsdLiteDecoder.decode(value);
      };
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
