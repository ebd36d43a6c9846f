package io.squall.sharding;

import io.squall.persistence.Reading;
import java.util.ArrayList;
import java.util.List;

/** A device's part of a batch: its readings and their offsets, from one partition. */
record DevicePart(
    String deviceId, String topicPartition, List<Reading> readings, List<Long> offsets) {
  DevicePart(String deviceId, String topicPartition) {
    this(deviceId, topicPartition, new ArrayList<>(), new ArrayList<>());
  }

  void add(Reading reading, long offset) {
    readings.add(reading);
    offsets.add(offset);
  }
}
