package io.squall.persistence.testing;

import io.squall.persistence.Reading;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;

/**
 * Test-side reading of the bundled NOAA ISD-lite files, written from the format's description
 * alone: tests compute their expectations with it, independently of Squall's own decoder.
 */
public final class NoaaFile {
  /** The eight metrics of an ISD-lite line, in column order. */
  public static final List<String> METRIC_NAMES =
      List.of(
          "temperature",
          "dewpoint",
          "pressure",
          "wind_direction",
          "wind_speed",
          "sky_condition",
          "precipitation_1h",
          "precipitation_6h");

  private static final String[] METRICS = METRIC_NAMES.toArray(String[]::new);

  private NoaaFile() {}

  /** A bundled file under {@code data/noaa/}. */
  public static Path bundled(String name) {
    return LocalInfra.projectDir().resolve("data/noaa").resolve(name);
  }

  /** The raw lines of a plain, .gz or .zip file. */
  public static List<String> lines(Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      InputStream in = raw;
      if (file.toString().endsWith(".gz")) {
        in = new GZIPInputStream(raw);
      } else if (file.toString().endsWith(".zip")) {
        ZipInputStream zip = new ZipInputStream(raw);
        zip.getNextEntry();
        in = zip;
      }
      List<String> lines = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every line of {@code file} as a reading, in file order (duplicates kept). */
  public static List<Reading> readings(Path file) {
    return lines(file).stream().map(NoaaFile::parse).toList();
  }

  /**
   * One well-formed line: dewpoint 999.9 and pressure 0.0 are absent, precipitation -0.1 is 0; a
   * filler line (dewpoint 999.9 and pressure 0.0) has no temperature, wind_direction or wind_speed
   * either.
   */
  public static Reading parse(String line) {
    String[] columns = line.split(",", -1);
    LocalDateTime at =
        LocalDateTime.of(
            Integer.parseInt(columns[1].trim()),
            Integer.parseInt(columns[2].trim()),
            Integer.parseInt(columns[3].trim()),
            Integer.parseInt(columns[4].trim()),
            0);
    boolean filler =
        Double.parseDouble(columns[6].trim()) == 999.9
            && Double.parseDouble(columns[7].trim()) == 0.0;
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int i = 0; i < METRICS.length; i++) {
      double value = Double.parseDouble(columns[5 + i].trim());
      String metric = METRICS[i];
      if (metric.equals("dewpoint") && value == 999.9
          || metric.equals("pressure") && value == 0.0) {
        continue;
      }
      if (filler
          && (metric.equals("temperature")
              || metric.equals("wind_direction")
              || metric.equals("wind_speed"))) {
        continue;
      }
      if (metric.startsWith("precipitation") && value == -0.1) {
        value = 0.0;
      }
      metrics.put(metric, value);
    }
    return new Reading(columns[0].trim(), at.toInstant(ZoneOffset.UTC), metrics);
  }
}
