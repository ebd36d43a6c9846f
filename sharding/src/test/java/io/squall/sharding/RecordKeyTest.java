package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordKeyTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldKeyALineByItsDevice() {
    assertEquals("725030:14732", RecordKey.of(utf8("725030:14732,2008,01,01,00,5.0")));
    assertEquals("d-7", RecordKey.of(utf8("{\"device\":\"d-7\",\"metrics\":{}}")));
    assertNull(RecordKey.of(utf8(",2008,01")), "empty id");
    assertNull(RecordKey.of(utf8("")), "empty line");
    assertNull(RecordKey.of(utf8("{broken")), "broken JSON");
  }
}
