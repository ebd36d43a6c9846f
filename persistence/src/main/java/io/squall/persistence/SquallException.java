package io.squall.persistence;

/** The root of Squall's own errors: each subtype names one kind of failure a caller can handle. */
public class SquallException extends RuntimeException {
  public SquallException(String message) {
    super(message);
  }

  public SquallException(String message, Throwable cause) {
    super(message, cause);
  }

  /** For expected, frequent failures (bad input) that need a message, not a stack trace. */
  protected SquallException(String message, boolean withStackTrace) {
    super(message, null, false, withStackTrace);
  }
}
