package io.squall.sharding;

import io.squall.persistence.Reading;
import io.squall.persistence.Readings;
import java.util.ArrayList;
import java.util.List;

/**
 * A device's part of a batch, from one partition: its readings in columns, as the decoder appends
 * them, and their offsets.
 */
final class DevicePart {
  private final String topicPartition;
  private final Readings.Builder builder;
  private final List<Long> offsets = new ArrayList<>();
  private Readings built;

  /** Throws {@link io.squall.persistence.InvalidReadingException} for an id over the limits. */
  DevicePart(String deviceId, String topicPartition) {
    this.topicPartition = topicPartition;
    this.builder = Readings.builder(deviceId);
  }

  String deviceId() {
    return builder.deviceId();
  }

  String topicPartition() {
    return topicPartition;
  }

  List<Long> offsets() {
    return offsets;
  }

  /** Appends a reading ({@code NaN}: not observed) once it holds every limit, with its offset. */
  void add(long epochMilli, String[] names, double[] values, long offset) {
    builder.add(epochMilli, names, values);
    offsets.add(offset);
  }

  void add(Reading reading, long offset) {
    builder.add(reading);
    offsets.add(offset);
  }

  Readings readings() {
    if (built == null || built.size() != builder.size()) {
      built = builder.build();
    }
    return built;
  }
}
