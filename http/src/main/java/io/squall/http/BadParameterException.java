package io.squall.http;

import io.squall.persistence.SquallException;

/** A request parameter that is missing or wrong; the message names it. */
public final class BadParameterException extends SquallException {
  public BadParameterException(String parameter, String problem) {
    super(parameter + ": " + problem, false);
  }
}
