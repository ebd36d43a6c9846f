package io.squall.sharding;

import io.squall.persistence.SquallException;

/** The readings consumer made no progress while records waited; it is restarted. */
public final class ConsumerStalledException extends SquallException {
  public ConsumerStalledException(String message) {
    super(message);
  }
}
