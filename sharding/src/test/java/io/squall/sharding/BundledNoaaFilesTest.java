package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Squall's ISD-lite decoder on the bundled NOAA files. */
class BundledNoaaFilesTest {

  private static Reading decode(String line) {
    return SourceFormat.ISD_LITE.decode(line.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean filler(String[] columns) {
    return Double.parseDouble(columns[6].trim()) == 999.9
        && Double.parseDouble(columns[7].trim()) == 0.0;
  }

  private static LocalDate day(String[] columns) {
    return LocalDate.of(
        Integer.parseInt(columns[1].trim()),
        Integer.parseInt(columns[2].trim()),
        Integer.parseInt(columns[3].trim()));
  }

  @Test
  void shouldGiveNoSfoDayAZeroMinimumTemperatureFromFillerRowsAlone() {
    List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
    Map<LocalDate, Double> minimum = new TreeMap<>();
    Set<LocalDate> daysWithFiller = new TreeSet<>();
    Set<LocalDate> daysWithAnObservedZero = new TreeSet<>();
    for (String line : lines) {
      Reading reading = decode(line);
      LocalDate day = reading.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
      Double temperature = reading.metrics().get("temperature");
      if (temperature != null) {
        minimum.merge(day, temperature, Math::min);
      }
      String[] columns = line.split(",", -1);
      if (filler(columns)) {
        daysWithFiller.add(day(columns));
      } else if (Double.parseDouble(columns[5].trim()) == 0.0) {
        daysWithAnObservedZero.add(day(columns));
      }
    }
    Set<LocalDate> zeroMinimum = new TreeSet<>();
    minimum.forEach(
        (day, min) -> {
          if (min == 0.0) {
            zeroMinimum.add(day);
          }
        });

    assertEquals(366, minimum.size(), "every day of 2008 keeps temperatures");
    assertEquals(365, daysWithFiller.size(), "filler rows fall on 365 of 2008's days");
    assertEquals(
        daysWithAnObservedZero,
        zeroMinimum,
        "a day's minimum is 0.0 only where a line that is not filler reports 0.0");
    assertTrue(zeroMinimum.size() < 5, "0.0 minimums: " + zeroMinimum);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"sf-2008.csv.gz", "ny-2008.csv.gz", "sfo-nyc-mia-lax-chi-2008-2014.csv.zip"})
  void shouldDecodeEveryBundledLineAsTheTestSideReaderDoes(String file) {
    for (String line : NoaaFile.lines(NoaaFile.bundled(file))) {
      assertEquals(NoaaFile.parse(line), decode(line), line);
    }
  }
}
