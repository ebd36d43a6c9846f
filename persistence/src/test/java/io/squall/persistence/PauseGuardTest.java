package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PauseGuardTest {
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicInteger shutdowns = new AtomicInteger();
  private final PauseGuard guard =
      new PauseGuard(Duration.ofSeconds(7), clock::get, shutdowns::incrementAndGet);

  private void advance(Duration duration) {
    clock.addAndGet(duration.toNanos());
  }

  @Test
  void shouldAllowWritesWhileTheNodeTicksRegularly() {
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofMillis(100));
      guard.tick();
      assertTrue(guard.allowsWrites());
    }
    assertEquals(0, shutdowns.get());
  }

  @Test
  void shouldRefuseWritesFromTheFirstInstantAfterAPauseBeforeTheTickerRuns() {
    advance(Duration.ofSeconds(30));

    assertFalse(guard.allowsWrites());
    assertEquals(0, shutdowns.get());
  }

  @Test
  void shouldStayFencedAndShutDownOnceAfterAPause() {
    advance(Duration.ofSeconds(30));
    guard.tick();
    for (int i = 0; i < 10; i++) {
      advance(Duration.ofMillis(100));
      guard.tick();
    }

    assertFalse(guard.allowsWrites());
    assertEquals(1, shutdowns.get());
  }

  @Test
  void shouldFollowTheSplitBrainResolversStableAfterByDefault() {
    var config =
        ConfigFactory.parseString("akka.cluster.split-brain-resolver.stable-after = 9s")
            .withFallback(ConfigFactory.parseResources("persistence.conf"))
            .resolve();

    assertEquals(Duration.ofSeconds(9), PauseGuard.limit(config));
    assertEquals(
        Duration.ZERO, PauseGuard.limit(ConfigFactory.parseString("squall.pause-limit = off")));
  }
}
