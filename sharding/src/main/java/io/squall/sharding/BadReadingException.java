package io.squall.sharding;

import io.squall.persistence.SquallException;
import java.util.Locale;

/** A record that is not a valid reading; the message says why, for the dead-letter topic. */
public final class BadReadingException extends SquallException {
  /** What kind of fault, as few values as a metric's label can carry. */
  public enum Kind {
    /** No value, not text, or a value the topic's decoder could not read at all. */
    UNREADABLE,
    /** Text in the topic's format whose fields do not make a reading. */
    MALFORMED,
    /** A reading that breaks one of {@link io.squall.persistence.Reading.Limits}. */
    INVALID;

    /** The label value: {@code unreadable}, {@code malformed}, {@code invalid}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;

  public BadReadingException(Kind kind, String reason) {
    super(reason, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
