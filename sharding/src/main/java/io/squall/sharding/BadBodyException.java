package io.squall.sharding;

import io.squall.persistence.SquallException;

/**
 * A request body that cannot be taken as a whole: not JSON, or over {@link
 * ReadingsBody#MAX_BODY_LINES} ({@link #tooLarge()}); the message says why, for the client.
 */
public final class BadBodyException extends SquallException {
  private final boolean tooLarge;

  public BadBodyException(String reason, boolean tooLarge) {
    super(reason, false);
    this.tooLarge = tooLarge;
  }

  public boolean tooLarge() {
    return tooLarge;
  }
}
