package io.squall.persistence.internal;

import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.session.throttling.RequestThrottler;
import com.datastax.oss.driver.api.core.session.throttling.Throttled;
import io.squall.persistence.PauseGuard;
import java.util.function.BooleanSupplier;

/**
 * The Cassandra driver's request throttler for every Squall session: passes each request through,
 * unless this process was paused ({@link PauseGuard}). It is the last gate before the wire, so a
 * journal or tag write that was queued when the process froze is refused when it thaws instead of
 * reaching a journal that another node may own by then.
 */
public final class PauseThrottler implements RequestThrottler {
  private final BooleanSupplier allowed;

  /** Built by the driver ({@code advanced.throttler.class}). */
  public PauseThrottler(DriverContext context) {
    this(PauseGuard::processAllowsWrites);
  }

  PauseThrottler(BooleanSupplier allowed) {
    this.allowed = allowed;
  }

  @Override
  public void register(Throttled request) {
    if (allowed.getAsBoolean()) {
      request.onThrottleReady(false);
    } else {
      request.onThrottleFailure(
          new RequestThrottlingException(
              "this Squall node was paused and may have been downed: it sends nothing to"
                  + " Cassandra"));
    }
  }

  @Override
  public void signalSuccess(Throttled request) {}

  @Override
  public void signalError(Throttled request, Throwable error) {}

  @Override
  public void signalTimeout(Throttled request) {}

  @Override
  public void close() {}
}
