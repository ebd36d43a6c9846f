package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReadingsLoaderTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldKeyALoadedLineByItsDevice() {
    assertEquals("725030:14732", ReadingsLoader.keyOf(utf8("725030:14732,2008,01,01,00,5.0")));
    assertEquals("d-7", ReadingsLoader.keyOf(utf8("{\"device\":\"d-7\",\"metrics\":{}}")));
    assertNull(ReadingsLoader.keyOf(utf8(",2008,01")), "empty id");
    assertNull(ReadingsLoader.keyOf(utf8("")), "empty line");
    assertNull(ReadingsLoader.keyOf(utf8("{broken")), "broken JSON");
  }
}
