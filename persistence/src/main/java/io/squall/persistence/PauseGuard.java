package io.squall.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node that was frozen (SIGSTOP, a VM stall, a long GC pause) from writing once it runs
 * again. While it was frozen the others may have downed it and recovered its devices elsewhere; a
 * second writer of one persistence id corrupts the journal, a second writer of an aggregate row
 * rewinds it. A pause is a gap in this guard's clock ticks longer than {@code squall.pause-limit}
 * (by default the split-brain resolver's {@code stable-after}, shorter than any takeover). Every
 * write to a Cassandra connection asks {@link #processAllowsWrites()} right before the socket
 * ({@link FencedSessionProvider}), journal, tag and aggregate writes alike: the answer is computed
 * from the clock by the caller itself, so it is false from the first instant after a pause, before
 * the ticker thread has even run. The ticker then halts the process (exit code {@value
 * #EXIT_CODE}): whatever this node still held is stale, and a fresh process rejoins clean.
 */
public final class PauseGuard implements Extension {
  private static final Logger log = LoggerFactory.getLogger(PauseGuard.class);
  private static final long TICK_MILLIS = 100;
  private static final String LIMIT_KEY = "squall.pause-limit";

  private static final ExtensionId<PauseGuard> ID =
      new ExtensionId<>() {
        @Override
        public PauseGuard createExtension(ActorSystem<?> system) {
          return start(system);
        }
      };

  /** The exit code of a node halted after a pause. */
  public static final int EXIT_CODE = 86;

  /** Every started guard of this process: a pause stops the whole process, so any one tells. */
  private static final Set<PauseGuard> STARTED = ConcurrentHashMap.newKeySet();

  private final long limitNanos;
  private final LongSupplier nanoClock;
  private final Runnable onPause;
  private volatile boolean fenced;
  private volatile long lastTick;

  PauseGuard(Duration limit, LongSupplier nanoClock, Runnable onPause) {
    this.limitNanos = limit.toNanos();
    this.nanoClock = nanoClock;
    this.onPause = onPause;
    this.lastTick = nanoClock.getAsLong();
  }

  public static PauseGuard get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private static PauseGuard start(ActorSystem<?> system) {
    Duration limit = limit(system.settings().config());
    PauseGuard guard = new PauseGuard(limit, System::nanoTime, PauseGuard::halt);
    if (!limit.isZero()) {
      Thread ticker = new Thread(guard::tickForever, "squall-pause-guard");
      ticker.setDaemon(true);
      ticker.setPriority(Thread.MAX_PRIORITY);
      ticker.start();
      STARTED.add(guard);
      system
          .getWhenTerminated()
          .thenRun(
              () -> {
                STARTED.remove(guard);
                ticker.interrupt();
              });
    }
    return guard;
  }

  static Duration limit(Config config) {
    if (!config.hasPath(LIMIT_KEY) || config.getString(LIMIT_KEY).equals("off")) {
      return Duration.ZERO;
    }
    return config.getDuration(LIMIT_KEY);
  }

  /** False once this node was paused longer than the limit, and from then on. */
  public boolean allowsWrites() {
    return !fenced && (limitNanos == 0 || nanoClock.getAsLong() - lastTick <= limitNanos);
  }

  /**
   * False once this process was paused longer than the limit: what every Cassandra connection asks
   * before it writes to its socket (see {@link FencedSessionProvider}), so that even a write a
   * journal or a projection prepared before a pause is not sent after it.
   */
  public static boolean processAllowsWrites() {
    for (PauseGuard guard : STARTED) {
      if (!guard.allowsWrites()) {
        return false;
      }
    }
    return true;
  }

  /** One tick: notices a pause since the previous one. */
  void tick() {
    long now = nanoClock.getAsLong();
    long gap = now - lastTick;
    if (limitNanos > 0 && gap > limitNanos && !fenced) {
      // fenced before lastTick moves: a writer that sees the new tick sees the fence too
      fenced = true;
      log.error(
          "This Squall node was paused for {} ms, longer than {} ({} ms): the cluster may have"
              + " moved its devices, so it writes nothing more and halts",
          Duration.ofNanos(gap).toMillis(),
          LIMIT_KEY,
          Duration.ofNanos(limitNanos).toMillis());
      onPause.run();
    }
    lastTick = now;
  }

  private static void halt() {
    System.err.println("Squall node halted after a pause (exit code " + EXIT_CODE + ")");
    Runtime.getRuntime().halt(EXIT_CODE);
  }

  private void tickForever() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }
}
