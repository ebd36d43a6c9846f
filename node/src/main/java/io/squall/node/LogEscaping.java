package io.squall.node;

import ch.qos.logback.classic.pattern.MDCConverter;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Log lines say what a record or request held, never what it does to a terminal or a log reader: a
 * line break, escape sequence or other control character in a message or an MDC value (device ids,
 * record contents) is written as {@code \n}, {@code \u001B}, ..., so one record cannot forge a log
 * line of its own. The JSON format escapes them already.
 */
public final class LogEscaping {
  private LogEscaping() {}

  /** {@code %safeMsg}: the message, escaped. */
  public static final class Message extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
      return escape(super.convert(event));
    }
  }

  /** {@code %safeMdc{key}}: an MDC value, escaped. */
  public static final class Mdc extends MDCConverter {
    @Override
    public String convert(ILoggingEvent event) {
      return escape(super.convert(event));
    }
  }

  /** {@code text} with every control character (C0, DEL, C1, U+2028/9) escaped, tab kept. */
  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control =
          (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
      if (control && escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (escaped != null) {
        if (!control) {
          escaped.append(c);
        } else if (c == '\n') {
          escaped.append("\\n");
        } else if (c == '\r') {
          escaped.append("\\r");
        } else {
          escaped.append(String.format("\\u%04X", (int) c));
        }
      }
    }
    return escaped == null ? text : escaped.toString();
  }
}
