package io.squall.persistence;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One observation of a device: {@code metrics} maps a metric's name to its value; a metric that was
 * not observed is absent, never 0.
 */
public record Reading(String deviceId, Instant timestamp, Map<String, Double> metrics)
    implements CborSerializable {
  public Reading {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(timestamp, "timestamp");
    metrics = Map.copyOf(metrics);
  }
}
