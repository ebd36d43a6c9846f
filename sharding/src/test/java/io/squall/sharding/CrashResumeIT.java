package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.NoaaFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A node that dies in the middle of a load loses nothing and counts nothing twice. */
class CrashResumeIT {

  @Test
  void shouldEndWithExactTotalsWhenTheNodeStopsMidLoadAndStartsAgain() throws Exception {
    Path file = NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip");
    Map<String, Long> lines = new HashMap<>();
    Map<String, Set<Instant>> distinct = new HashMap<>();
    for (Reading reading : NoaaFile.readings(file)) {
      lines.merge(reading.deviceId(), 1L, Long::sum);
      distinct.computeIfAbsent(reading.deviceId(), id -> new HashSet<>()).add(reading.timestamp());
    }
    // No graceful drain: the ActorSystem stops as if the process died, with offsets uncommitted.
    Config world =
        ConfigFactory.parseString(
                String.join(
                    "\n",
                    "akka.coordinated-shutdown.run-by-actor-system-terminate = off",
                    "akka.kafka.committer.max-batch = 1000000",
                    "akka.kafka.committer.max-interval = 4s"))
            .withFallback(IngestNode.world("it_crash"));

    IngestNode first = IngestNode.start(world, null);
    CompletableFuture<ReadingsFiles.Sent> load =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return first.load(file);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    IngestNode.await(
        Duration.ofMinutes(2),
        () -> first.consumer.stats().snapshot().recorded() > 60_000,
        "a good part of the file is recorded");
    long beforeCrash = first.consumer.stats().snapshot().recorded();
    first.close();
    assertTrue(beforeCrash < 282_470, "stopped in the middle: " + beforeCrash + " recorded");
    assertEquals(395_453, load.get().records());

    try (IngestNode second = IngestNode.start(world, null)) {
      Map<String, Device.Summary> states = second.awaitAccounted(lines, Duration.ofMinutes(4));
      // give any stray redelivery time to (wrongly) count twice before the final check
      Thread.sleep(3_000);
      long readings = 0;
      long duplicates = 0;
      for (String id : states.keySet()) {
        Device.Summary state = second.device(id);
        assertEquals(distinct.get(id).size(), state.readings(), "readings of " + id);
        assertEquals(
            lines.get(id) - distinct.get(id).size(), state.duplicates(), "duplicates of " + id);
        readings += state.readings();
        duplicates += state.duplicates();
      }
      assertEquals(282_470, readings);
      assertEquals(112_983, duplicates);
      assertTrue(
          second.consumer.stats().snapshot().redelivered() > 0,
          "the restarted node saw records again that were applied before the stop");
    }
  }
}
