package io.squall.sharding.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain-decimal parser gives exactly what Double.parseDouble gives, or leaves it to it. */
class DecimalsTest {

  private static void assertSameAsJava(String text) {
    assertEquals(
        Double.doubleToRawLongBits(Double.parseDouble(text)),
        Double.doubleToRawLongBits(Decimals.parse(text)),
        text);
  }

  @Test
  void shouldParsePlainDecimalsExactlyAsJavaDoes() {
    for (String text :
        List.of("0", "-0", "-0.0", "5.", ".5", "999.9", "-0.1", "1013.2", "0.30000000000000004")) {
      if (!Double.isNaN(Decimals.parse(text))) {
        assertSameAsJava(text);
      }
    }
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      int digits = 1 + random.nextInt(15);
      StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
      int point = random.nextInt(digits + 1);
      for (int d = 0; d < digits; d++) {
        if (d == point) {
          text.append('.');
        }
        text.append((char) ('0' + random.nextInt(10)));
      }
      assertSameAsJava(text.toString());
    }
  }

  @Test
  void shouldLeaveEverythingElseToTheFullParser() {
    for (String text :
        List.of(
            "",
            "-",
            ".",
            "1e3",
            " 1.5",
            "1.5 ",
            "NaN",
            "Infinity",
            "1.2.3",
            "+1",
            "1234567890123456")) {
      assertTrue(Double.isNaN(Decimals.parse(text)), text);
    }
  }
}
