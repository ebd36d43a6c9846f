package io.squall.sharding;

import io.squall.persistence.SquallException;

/** Kafka could not be reached or refused what Squall asked. */
public final class KafkaUnavailableException extends SquallException {
  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
