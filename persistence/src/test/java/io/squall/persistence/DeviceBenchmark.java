package io.squall.persistence;

import io.squall.persistence.internal.SeenTimestamps;
import io.squall.persistence.testing.NoaaFile;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the bytes of a Device's de-duplication index per station-year of real hourly data; {@code
 * bin/squall bench device} (the projections module's {@code DeviceBenchmark}) prints it with the
 * time to recover a device.
 */
public final class DeviceBenchmark {
  private DeviceBenchmark() {}

  public static void main(String[] args) {
    indexSize();
  }

  /** Prints the index's bytes of every station-year of the 2008–2014 file. */
  public static void indexSize() {
    Map<String, SeenTimestamps> byStationYear = new TreeMap<>();
    Map<String, Integer> readings = new TreeMap<>();
    for (Reading reading :
        NoaaFile.readings(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip"))) {
      String key = reading.deviceId() + " " + reading.timestamp().atZone(ZoneOffset.UTC).getYear();
      byStationYear.computeIfAbsent(key, k -> new SeenTimestamps()).add(reading.timestamp());
      readings.merge(key, 1, Integer::sum);
    }
    List<Integer> sizes = new ArrayList<>();
    System.out.println("== de-duplication index, bytes per station-year (2008-2014 file) ==");
    byStationYear.forEach(
        (key, seen) -> {
          int bytes = seen.toBytes().length;
          sizes.add(bytes);
          System.out.printf("%-22s %6d distinct timestamps %6d bytes%n", key, seen.size(), bytes);
        });
    Collections.sort(sizes);
    System.out.printf(
        "station-years: %d, bytes min %d, median %d, max %d%n",
        sizes.size(), sizes.get(0), sizes.get(sizes.size() / 2), sizes.get(sizes.size() - 1));
  }
}
