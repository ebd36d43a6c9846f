package io.squall.node;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Halts the JVM when it finds that the whole process was paused for {@code limit} or longer
 * (SIGSTOP, a stop-the-world pause, a frozen VM): by then the other members may have downed this
 * node and started its devices elsewhere, so it must not resume writing events or aggregates.
 * Without it a thawed node ran on until the cluster's gossip told it it was downed, and journaled
 * events for devices that a survivor already owned (multi-jvm-tests NodeFreezeIT).
 */
final class PauseDetector {
  /** The exit code of a node that halted after a pause. */
  static final int EXIT_CODE = 86;

  private static final Logger log = LoggerFactory.getLogger(PauseDetector.class);
  private static final long TICK_NANOS = Duration.ofMillis(50).toNanos();

  private PauseDetector() {}

  static void start(Duration limit) {
    if (limit.isZero() || limit.isNegative()) {
      return;
    }
    long limitNanos = limit.toNanos();
    Thread thread =
        new Thread(
            () -> {
              long last = System.nanoTime();
              while (true) {
                try {
                  Thread.sleep(TICK_NANOS / 1_000_000);
                } catch (InterruptedException e) {
                  return;
                }
                // CLOCK_MONOTONIC keeps counting while the process is stopped
                long now = System.nanoTime();
                long paused = now - last - TICK_NANOS;
                if (paused >= limitNanos) {
                  Runtime.getRuntime().halt(EXIT_CODE);
                }
                last = now;
              }
            },
            "squall-pause-detector");
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.start();
    log.info(
        "The node halts (exit code {}) if it finds itself paused for {} s or longer",
        EXIT_CODE,
        limit.toMillis() / 1e3);
  }
}
