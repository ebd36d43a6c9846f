package io.squall.sharding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.persistence.InvalidReadingException;
import io.squall.persistence.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The key of a raw line sent to the readings topic: its device id, so that a device's records share
 * a partition (and its shard). Whoever produces lines (the {@code squall load} tool, tests) keys
 * them here.
 */
public final class RecordKey {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RecordKey() {}

  /**
   * The device id a line is about: ISD-lite's first column, JSON's device; null if none or if it is
   * not a valid id (the consumer dead-letters that line, and a huge key never reaches the broker).
   */
  public static String of(byte[] line) {
    String key = candidate(line);
    if (key == null) {
      return null;
    }
    try {
      Reading.Limits.checkDeviceId(key);
      return key;
    } catch (InvalidReadingException e) {
      return null;
    }
  }

  private static String candidate(byte[] line) {
    if (line.length > Reading.Limits.MAX_RECORD_BYTES) {
      return null;
    }
    int first = 0;
    while (first < line.length && Character.isWhitespace(line[first])) {
      first++;
    }
    if (first < line.length && line[first] == '{') {
      try {
        JsonNode device = JSON.readTree(line).get("device");
        return device != null && device.isTextual() ? device.asText().strip() : null;
      } catch (IOException e) {
        return null;
      }
    }
    int comma = first;
    while (comma < line.length && line[comma] != ',') {
      comma++;
    }
    String key = new String(line, first, comma - first, StandardCharsets.UTF_8).strip();
    return key.isEmpty() || comma == line.length ? null : key;
  }
}
