package io.squall.sharding.internal;

import io.squall.sharding.BadReadingException;
import io.squall.sharding.BadReadingException.Kind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8: bytes that are not text are a bad record, never silently replaced. */
final class Utf8 {
  private Utf8() {}

  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadReadingException(Kind.UNREADABLE, "not UTF-8 text");
    }
  }
}
