package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * 3 nodes become 2 under load by SIGTERM: device shards and partitions hand off through coordinated
 * shutdown.
 */
class ScaleDownIT {

  @Test
  void shouldHandOffEverythingWhenANodeLeavesOnSigterm() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_scale_down", 3)) {
      Scenario scenario = new Scenario("scale down 3 -> 2", cluster, Load.stations(2008));
      scenario.startLoad(1_500);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        NodeProcess leaving = cluster.busiestOwnerOf(scenario.devicePartitions());
        scenario.fault("SIGTERM of " + leaving.name);
        leaving.terminate();
        assertTrue(
            leaving.awaitExit(Duration.ofSeconds(60)), leaving.name + " leaves: " + leaving.log());
        Harness.say(
            "%s left (exit code %d) in %s",
            leaving.name, leaving.exitValue(), Harness.seconds(scenario.sinceFault()));
        // a JVM that ends on SIGTERM exits 143 after its shutdown hooks, graceful or not
        assertEquals(143, leaving.exitValue(), "exit code after SIGTERM: " + leaving.log());
        String log = Files.readString(leaving.log());
        assertTrue(
            log.contains("Readings consumer drained"), "drained its consumer: " + leaving.log());
        assertTrue(
            log.contains("Exiting completed"), "left the cluster gracefully: " + leaving.log());
        cluster.awaitWhole(2, Duration.ofMinutes(2));
        Harness.say(
            "2 nodes whole and consuming %s after the SIGTERM",
            Harness.seconds(scenario.sinceFault()));
        scenario.awaitExact(Duration.ofMinutes(4));
      } finally {
        scenario.load.close();
      }
    }
  }
}
