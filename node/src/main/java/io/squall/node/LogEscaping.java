package io.squall.node;

import ch.qos.logback.classic.pattern.MDCConverter;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/**
 * Log lines say what a record or request held, never what it does to a terminal or a log reader: a
 * line break, escape sequence or other control character in a message, an MDC value (device ids,
 * record contents) or an exception's message is written as {@code \n}, {@code \u001B}, ..., so one
 * record cannot forge a log line of its own. The JSON format escapes them already.
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

  /**
   * {@code %safeEx}: the stack trace, one line per frame as usual, with the exception's message
   * (and its causes' and suppressed ones') and each frame escaped.
   */
  public static final class StackTrace extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy throwable) {
      return super.throwableProxyToString(new Escaped(throwable));
    }
  }

  /** A throwable as logback prints it, with every text in it escaped. */
  private record Escaped(IThrowableProxy throwable) implements IThrowableProxy {
    @Override
    public String getMessage() {
      return escape(throwable.getMessage());
    }

    @Override
    public String getClassName() {
      return escape(throwable.getClassName());
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return Arrays.stream(throwable.getStackTraceElementProxyArray())
          .map(Escaped::frame)
          .toArray(StackTraceElementProxy[]::new);
    }

    @Override
    public int getCommonFrames() {
      return throwable.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return throwable.getCause() == null ? null : new Escaped(throwable.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      return Arrays.stream(throwable.getSuppressed())
          .map(Escaped::new)
          .toArray(IThrowableProxy[]::new);
    }

    /** The frame as it is unless a name in it holds a control character (generated code can). */
    private static StackTraceElementProxy frame(StackTraceElementProxy frame) {
      StackTraceElement element = frame.getStackTraceElement();
      String text = element.toString();
      if (escape(text).equals(text)) {
        return frame;
      }
      return new StackTraceElementProxy(
          new StackTraceElement(
              escape(element.getClassLoaderName()),
              escape(element.getModuleName()),
              escape(element.getModuleVersion()),
              escape(element.getClassName()),
              escape(element.getMethodName()),
              escape(element.getFileName()),
              element.getLineNumber()));
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
