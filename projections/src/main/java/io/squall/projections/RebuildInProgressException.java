package io.squall.projections;

import io.squall.persistence.SquallException;

/** A rebuild was asked for while another one is still catching up. */
public final class RebuildInProgressException extends SquallException {
  public RebuildInProgressException(int building) {
    super("version " + building + " is still being built; wait until reads switch to it");
  }
}
