package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.squall.persistence.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SourceFormatTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String rejection(SourceFormat format, byte[] value) {
    return assertThrows(BadReadingException.class, () -> format.decode(value)).getMessage();
  }

  @Test
  void shouldDecodeAnIsdLiteLineWithEveryMetric() {
    Reading reading =
        SourceFormat.ISD_LITE.decode(
            utf8("725030:14732,2008,01,01,05,5.0,-3.9,1020.4,270,4.6,2,0.5,1.5"));

    assertEquals("725030:14732", reading.deviceId());
    assertEquals(Instant.parse("2008-01-01T05:00:00Z"), reading.timestamp());
    assertEquals(
        Map.of(
            "temperature",
            5.0,
            "dewpoint",
            -3.9,
            "pressure",
            1020.4,
            "wind_direction",
            270.0,
            "wind_speed",
            4.6,
            "sky_condition",
            2.0,
            "precipitation_1h",
            0.5,
            "precipitation_6h",
            1.5),
        reading.metrics());
  }

  @Test
  void shouldLeaveOutMissingValuesAndCountATraceAsZero() {
    Reading reading =
        SourceFormat.ISD_LITE.decode(
            utf8("725030:14732,2008,02,29,23,0.0,-3.9,0.0,0,0.0,0,-0.1,-0.1\r\n"));

    assertEquals(Instant.parse("2008-02-29T23:00:00Z"), reading.timestamp());
    assertNull(reading.metrics().get("pressure"), "0.0 pressure is missing");
    assertEquals(-3.9, reading.metrics().get("dewpoint"));
    assertEquals(0.0, reading.metrics().get("temperature"), "0.0 temperature is a value");
    assertEquals(0.0, reading.metrics().get("wind_direction"), "0 wind direction is a value");
    assertEquals(0.0, reading.metrics().get("wind_speed"), "0.0 wind speed is a value");
    assertEquals(0.0, reading.metrics().get("precipitation_1h"));
    assertEquals(0.0, reading.metrics().get("precipitation_6h"));
  }

  @Test
  void shouldTreatFillerRowTemperatureAndWindAsMissing() {
    Reading reading =
        SourceFormat.ISD_LITE.decode(
            utf8("724940:23234,2008,01,01,05,0.0,999.9,0.0,290,5.7,7,-0.1,0.2"));

    assertEquals(
        Map.of("sky_condition", 7.0, "precipitation_1h", 0.0, "precipitation_6h", 0.2),
        reading.metrics(),
        "a filler row observes only the sky condition and the precipitations");
  }

  @Test
  void shouldKeepTemperatureWhenOnlyDewpointIsMissing() {
    Reading reading =
        SourceFormat.ISD_LITE.decode(
            utf8("724940:23234,2008,01,11,09,0.0,999.9,1023.8,0,0.0,8,0.0,0.0"));

    assertEquals(
        Map.of(
            "temperature",
            0.0,
            "pressure",
            1023.8,
            "wind_direction",
            0.0,
            "wind_speed",
            0.0,
            "sky_condition",
            8.0,
            "precipitation_1h",
            0.0,
            "precipitation_6h",
            0.0),
        reading.metrics());
  }

  @Test
  void shouldKeepTemperatureAndWindWhenOnlyPressureIsMissing() {
    Reading reading =
        SourceFormat.ISD_LITE.decode(
            utf8("725030:14732,2008,01,01,05,-2.2,-8.3,0.0,310,6.2,4,0.0,0.0"));

    assertNull(reading.metrics().get("pressure"));
    assertEquals(-2.2, reading.metrics().get("temperature"));
    assertEquals(310.0, reading.metrics().get("wind_direction"));
    assertEquals(6.2, reading.metrics().get("wind_speed"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "wrong column count | 725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0"
            + " | expected 13 comma-separated columns, found 12",
        "text in a number | 725030:14732,2008,01,01,00,warm,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | column temperature is not a number: 'warm'",
        "month 13 | 725030:14732,2008,13,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | impossible date 2008-13-1 (year-month-day)",
        "february 30 | 725030:14732,2009,02,30,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | impossible date 2009-2-30 (year-month-day)",
        "hour 24 | 725030:14732,2008,01,01,24,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | impossible hour 24 (expected 0-23)",
        "empty id | ' ,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0'"
            + " | empty device id (column wsid)",
        "text in a date | 725030:14732,2008,jan,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | column month is not a whole number: 'jan'",
        "not finite | 725030:14732,2008,01,01,00,NaN,-3.9,1020.4,270,4.6,2,0.0,0.0"
            + " | column temperature is not a finite number",
        "empty line | '' | empty line"
      })
  void shouldRejectABadIsdLiteLineNamingWhy(String kind, String line, String reason) {
    assertEquals(reason, rejection(SourceFormat.ISD_LITE, utf8(line)));
  }

  @Test
  void shouldRejectBytesThatAreNotUtf8() {
    byte[] line = {'7', '2', (byte) 0xC3, (byte) 0x28, ',', '2', '0', '0', '8'};

    assertEquals("not UTF-8 text", rejection(SourceFormat.AUTO, line));
  }

  @Test
  void shouldDecodeAJsonReadingWithNullAsAbsent() {
    Reading reading =
        SourceFormat.JSON.decode(
            utf8(
                "{\"device\":\"srv-1\",\"timestamp\":\"2008-01-01T00:00:00.250Z\","
                    + "\"metrics\":{\"cpu\":0.5,\"disk\":null}}"));

    assertEquals("srv-1", reading.deviceId());
    assertEquals(Instant.parse("2008-01-01T00:00:00.250Z"), reading.timestamp());
    assertEquals(Map.of("cpu", 0.5), reading.metrics());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no device | {\"timestamp\":\"2008-01-01T00:00:00Z\",\"metrics\":{}}"
            + " | field device must be a non-empty string",
        "bad timestamp | {\"device\":\"d\",\"timestamp\":\"yesterday\",\"metrics\":{}}"
            + " | field timestamp is not an ISO-8601 date-time: 'yesterday'",
        "text metric | {\"device\":\"d\",\"timestamp\":\"2008-01-01T00:00:00Z\",\"metrics\":{\"t\":\"hot\"}}"
            + " | metric t is not a number",
        "no metrics | {\"device\":\"d\",\"timestamp\":\"2008-01-01T00:00:00Z\"}"
            + " | field metrics must be an object of numbers",
      })
  void shouldRejectABadJsonReadingNamingWhy(String kind, String json, String reason) {
    assertEquals(reason, rejection(SourceFormat.JSON, utf8(json)));
  }

  @Test
  void shouldTellTheFormatsApartInAutoMode() {
    assertEquals(
        "d",
        SourceFormat.AUTO
            .decode(
                utf8(" {\"device\":\"d\",\"timestamp\":\"2008-01-01T00:00:00Z\",\"metrics\":{}}"))
            .deviceId());
    assertEquals(
        "725030:14732",
        SourceFormat.AUTO
            .decode(utf8("725030:14732,2008,01,01,00,5.0,-3.9,1020.4,270,4.6,2,0.0,0.0"))
            .deviceId());
  }
}
