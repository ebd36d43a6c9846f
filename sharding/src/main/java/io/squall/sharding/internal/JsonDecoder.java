package io.squall.sharding.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.persistence.Reading;
import io.squall.sharding.BadReadingException;
import io.squall.sharding.BadReadingException.Kind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON: {@code {"device":"...","timestamp":"2008-01-01T00:00:00Z","metrics":{"temperature":5.0}}};
 * a metric that is null is absent.
 */
public final class JsonDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonDecoder() {}

  public static Reading decode(byte[] bytes) {
    return fromTree(parse(Utf8.decode(bytes)));
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || !node.isObject()) {
        throw new BadReadingException(Kind.MALFORMED, "not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadReadingException(
          Kind.MALFORMED, "not valid JSON: " + clip(e.getOriginalMessage()));
    }
  }

  private static Reading fromTree(JsonNode node) {
    JsonNode device = node.get("device");
    if (device == null || !device.isTextual() || device.asText().isBlank()) {
      throw new BadReadingException(Kind.MALFORMED, "field device must be a non-empty string");
    }
    JsonNode timestamp = node.get("timestamp");
    if (timestamp == null || !timestamp.isTextual()) {
      throw new BadReadingException(Kind.MALFORMED, "field timestamp must be an ISO-8601 string");
    }
    Instant at;
    try {
      at = OffsetDateTime.parse(timestamp.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadReadingException(
          Kind.MALFORMED,
          "field timestamp is not an ISO-8601 date-time: "
              + Reading.Limits.quote(timestamp.asText()));
    }
    JsonNode metrics = node.get("metrics");
    if (metrics == null || !metrics.isObject()) {
      throw new BadReadingException(Kind.MALFORMED, "field metrics must be an object of numbers");
    }
    if (metrics.size() > Reading.Limits.MAX_METRICS) {
      throw new BadReadingException(
          Kind.INVALID,
          metrics.size()
              + " metrics, over the limit of "
              + Reading.Limits.MAX_METRICS
              + " per reading");
    }
    Map<String, Double> values = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> metric = it.next();
      if (metric.getValue().isNull()) {
        continue;
      }
      Reading.Limits.checkMetricName(metric.getKey());
      if (!metric.getValue().isNumber()) {
        throw new BadReadingException(
            Kind.MALFORMED, "metric " + metric.getKey() + " is not a number");
      }
      if (!Double.isFinite(metric.getValue().asDouble())) {
        throw new BadReadingException(
            Kind.INVALID, "metric " + metric.getKey() + " is not a finite number");
      }
      values.put(metric.getKey(), metric.getValue().asDouble());
    }
    return Reading.of(device.asText().strip(), at, values);
  }

  /** Jackson's message quotes the input; a reason stays short. */
  private static String clip(String message) {
    return message.length() <= 200 ? message : message.substring(0, 200) + "…";
  }
}
