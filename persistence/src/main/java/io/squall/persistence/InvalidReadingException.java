package io.squall.persistence;

/**
 * Input that breaks one of {@link Reading.Limits}; the message says which, in words a client can
 * act on (it becomes a dead letter's or a rejected line's reason).
 */
public final class InvalidReadingException extends SquallException {
  public InvalidReadingException(String reason) {
    super(reason, false);
  }
}
