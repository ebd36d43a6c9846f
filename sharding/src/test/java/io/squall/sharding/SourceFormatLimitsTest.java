package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.squall.persistence.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Poison that the decoders used to pass and the entity, journal or Cassandra then failed on: each
 * is now a bad record with a reason (it goes to the dead-letter topic); the edges still pass.
 */
class SourceFormatLimitsTest {
  private static final String RANGE = "1900-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";
  private static final String ID_CHARS = "ASCII letters, digits and : . _ - @ +";
  private static final String METRICS = ",5.0,-3.9,1020.4,270,4.6,2,0.0,0.0";

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String rejection(SourceFormat format, String value) {
    return assertThrows(BadReadingException.class, () -> format.decode(utf8(value))).getMessage();
  }

  private static String json(String device, String timestamp, String metrics) {
    return "{\"device\":\""
        + device
        + "\",\"timestamp\":\""
        + timestamp
        + "\",\"metrics\":{"
        + metrics
        + "}}";
  }

  private static String manyMetrics(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "\"m" + i + "\":" + i)
        .collect(Collectors.joining(","));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '#',
      value = {
        "pipe in the id# 7250|30:14732,2008,01,01,00"
            + "# device id '7250|30:14732' holds '|' (U+007C); allowed: "
            + ID_CHARS,
        "space in the id# 7250 30:14732,2008,01,01,00"
            + "# device id '7250 30:14732' holds U+0020; allowed: "
            + ID_CHARS,
        "year before 1900# 725030:14732,1899,12,31,23"
            + "# timestamp 1899-12-31T23:00:00Z is outside the range "
            + RANGE,
        "five-digit year# 725030:14732,10000,01,01,00"
            + "# timestamp +10000-01-01T00:00:00Z is outside the range "
            + RANGE,
        "epoch millis overflow a long# 725030:14732,300000000,01,01,00"
            + "# timestamp +300000000-01-01T00:00:00Z is outside the range "
            + RANGE,
      })
  void shouldRejectPoisonIsdLiteLinesNamingWhy(String kind, String line, String reason) {
    assertEquals(reason, rejection(SourceFormat.ISD_LITE, line + METRICS));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '#',
      value = {
        "pipe in the id# d|1# 2008-01-01T00:00:00Z# \"t\":1"
            + "# device id 'd|1' holds '|' (U+007C); allowed: "
            + ID_CHARS,
        "control character in the id# d\\u0001# 2008-01-01T00:00:00Z# \"t\":1"
            + "# device id 'd?' holds U+0001; allowed: "
            + ID_CHARS,
        "epoch millis overflow a long# d# +292278995-01-01T00:00:00Z# \"t\":1"
            + "# timestamp +292278995-01-01T00:00:00Z is outside the range "
            + RANGE,
        "year 1# d# 0001-01-01T00:00:00Z# \"t\":1"
            + "# timestamp 0001-01-01T00:00:00Z is outside the range "
            + RANGE,
        "just before the range# d# 1899-12-31T23:59:59.9999Z# \"t\":1"
            + "# timestamp 1899-12-31T23:59:59.999900Z is outside the range "
            + RANGE,
        "space in a metric name# d# 2008-01-01T00:00:00Z# \"air temp\":1"
            + "# metric name 'air temp' holds U+0020; allowed: ASCII letters, digits and _ . -",
        "comma in a metric name# d# 2008-01-01T00:00:00Z# \"a,b\":1"
            + "# metric name 'a,b' holds ',' (U+002C); allowed: ASCII letters, digits and _ . -",
        "empty metric name# d# 2008-01-01T00:00:00Z# \"\":1# empty metric name",
        "infinite value# d# 2008-01-01T00:00:00Z# \"t\":1e400# metric t is not a finite number",
      })
  void shouldRejectPoisonJsonReadingsNamingWhy(
      String kind, String device, String timestamp, String metrics, String reason) {
    // "\\u0001" stays a JSON escape here: the decoder turns it into the control character
    assertEquals(reason, rejection(SourceFormat.JSON, json(device, timestamp, metrics)));
  }

  @Test
  void shouldRejectAnIdOverTheLengthLimit() {
    String id = "a".repeat(Reading.Limits.MAX_DEVICE_ID_CHARS + 1);

    assertEquals(
        "device id is 257 characters, over the limit of 256",
        rejection(SourceFormat.ISD_LITE, id + ",2008,01,01,00" + METRICS));
    assertEquals(
        "device id is 257 characters, over the limit of 256",
        rejection(SourceFormat.JSON, json(id, "2008-01-01T00:00:00Z", "")));
  }

  @Test
  void shouldRejectTooManyMetricsAndTooLongAMetricName() {
    assertEquals(
        "65 metrics, over the limit of 64 per reading",
        rejection(SourceFormat.JSON, json("d", "2008-01-01T00:00:00Z", manyMetrics(65))));
    String name = "m".repeat(65);
    assertEquals(
        "metric name '" + "m".repeat(64) + "…' is 65 characters, over the limit of 64",
        rejection(SourceFormat.JSON, json("d", "2008-01-01T00:00:00Z", "\"" + name + "\":1")));
  }

  @Test
  void shouldRejectARecordOverTheSizeLimitBeforeParsingIt() {
    String padded = json("d", "2008-01-01T00:00:00Z", "\"t\":1") + " ".repeat(70_000);

    assertEquals(
        "record is " + utf8(padded).length + " bytes, over the limit of 65536",
        rejection(SourceFormat.AUTO, padded));
  }

  @Test
  void shouldRejectDeeplyNestedJsonAsABadRecord() {
    String nested = "{\"device\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";

    assertThrows(BadReadingException.class, () -> SourceFormat.AUTO.decode(utf8(nested)));
  }

  @Test
  void shouldQuoteAtMost64CharactersOfAClientsText() {
    String reason =
        rejection(
            SourceFormat.ISD_LITE,
            "725030:14732,2008,01,01,00,"
                + "9".repeat(500)
                + "x"
                + ",-3.9,1020.4,270,4.6,2,0.0,0.0");

    assertEquals("column temperature is not a number: '" + "9".repeat(64) + "…'", reason);
  }

  @Test
  void shouldAcceptTheEdgesOfEveryLimit() {
    String longest = ("ab:._-@+" + "x".repeat(300)).substring(0, 256);
    Reading first = SourceFormat.ISD_LITE.decode(utf8(longest + ",1900,01,01,00" + METRICS));
    assertEquals(longest, first.deviceId());
    assertEquals(Reading.Limits.EARLIEST, first.timestamp());

    Reading last = SourceFormat.ISD_LITE.decode(utf8("725030:14732,9999,12,31,23" + METRICS));
    assertEquals(Instant.parse("9999-12-31T23:00:00Z"), last.timestamp());

    String name = "n".repeat(63) + "0";
    Reading widest =
        SourceFormat.JSON.decode(
            utf8(
                json(
                    longest,
                    "9999-12-31T23:59:59.999999999Z",
                    manyMetrics(63) + ",\"" + name + "\":-1.7976931348623157E308")));
    assertEquals(Reading.Limits.LATEST, widest.timestamp());
    assertEquals(64, widest.metrics().size());
    assertEquals(-Double.MAX_VALUE, widest.metrics().get(name));

    String exactly = json("d", "2008-01-01T00:00:00Z", "\"t\":1");
    exactly = exactly + " ".repeat(Reading.Limits.MAX_RECORD_BYTES - exactly.length());
    assertEquals("d", SourceFormat.AUTO.decode(utf8(exactly)).deviceId());
  }

  @Test
  void shouldTruncateSubMillisecondTimestampsSoTheyDoNotDependOnBatching() {
    Reading a = SourceFormat.JSON.decode(utf8(json("d", "2008-01-01T00:00:00.250100Z", "\"t\":1")));
    Reading b =
        SourceFormat.JSON.decode(utf8(json("d", "2008-01-01T00:00:00.250900+00:00", "\"t\":2")));

    assertEquals(Instant.parse("2008-01-01T00:00:00.250Z"), a.timestamp());
    assertEquals(a.timestamp(), b.timestamp(), "the same reading: the first one wins");
  }
}
