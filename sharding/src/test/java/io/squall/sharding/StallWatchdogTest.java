package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.japi.Pair;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Pair<UniqueKillSwitch, CompletionStage<Done>> incarnation() {
    return Source.<Integer>maybe()
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.ignore(), Keep.both())
        .run(testKit.system());
  }

  @Test
  void shouldRestartTheConsumerWhenABatchStaysInTheEntitiesTooLong() throws Exception {
    IngestStats stats = new IngestStats(new SimpleMeterRegistry());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running = incarnation();
    StallWatchdog watchdog =
        new StallWatchdog(Duration.ofMillis(20), stats, () -> null, running::first);

    watchdog.watch(started -> new CompletableFuture<>());
    watchdog.check();
    assertFalse(running.second().toCompletableFuture().isDone(), "not stalled yet");
    Thread.sleep(40);
    watchdog.check();

    ExecutionException stopped =
        assertThrows(
            ExecutionException.class,
            () -> running.second().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(ConsumerStalledException.class, stopped.getCause());
    assertEquals(1, stats.snapshot().stalls());
  }

  @Test
  void shouldLeaveAConsumerAloneOnceItsBatchesComplete() throws Exception {
    IngestStats stats = new IngestStats(new SimpleMeterRegistry());
    Pair<UniqueKillSwitch, CompletionStage<Done>> running = incarnation();
    StallWatchdog watchdog =
        new StallWatchdog(Duration.ofMillis(20), stats, () -> null, running::first);

    CompletableFuture<String> batch = new CompletableFuture<>();
    CompletionStage<String> watched = watchdog.watch(started -> batch);
    batch.complete("offsets");
    Thread.sleep(40);
    watchdog.check();

    assertEquals("offsets", watched.toCompletableFuture().get());
    assertFalse(running.second().toCompletableFuture().isDone());
    assertEquals(0, stats.snapshot().stalls());
    running.first().shutdown();
  }
}
