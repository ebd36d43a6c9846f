package io.squall.sharding;

import io.squall.persistence.Reading;
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

  /** Decodes one record's value; throws {@link BadReadingException} naming what is wrong. */
  public Reading decode(byte[] value) {
    if (value == null) {
      throw new BadReadingException("empty record (no value)");
    }
    return switch (this) {
      case ISD_LITE -> IsdLiteDecoder.decode(value);
      case JSON -> JsonDecoder.decode(value);
      case AUTO -> looksLikeJson(value) ? JsonDecoder.decode(value) : IsdLiteDecoder.decode(value);
    };
  }

  /** One reading from an already parsed JSON object (request bodies). */
  public static Reading fromJson(com.fasterxml.jackson.databind.JsonNode object) {
    return JsonDecoder.fromTree(object);
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
