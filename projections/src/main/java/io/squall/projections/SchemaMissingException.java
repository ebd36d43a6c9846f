package io.squall.projections;

import io.squall.persistence.SquallException;

/** A table Squall reads is not in Cassandra yet, and this node does not create schema. */
public final class SchemaMissingException extends SquallException {
  public SchemaMissingException(String message, Throwable cause) {
    super(message, cause);
  }
}
