package io.squall.sharding;

import io.squall.persistence.SquallException;

/** A record that is not a valid reading; the message says why, for the dead-letter topic. */
public final class BadReadingException extends SquallException {
  public BadReadingException(String reason) {
    super(reason, false);
  }
}
