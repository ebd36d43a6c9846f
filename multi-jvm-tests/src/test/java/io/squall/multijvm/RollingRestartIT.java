package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every node restarted in turn under load (SIGTERM, then started again); the next one only when the
 * cluster is whole again: 3 Up members, every node ready and consuming.
 */
class RollingRestartIT {

  @Test
  void shouldLoseAndCountTwiceNothingThroughARollingRestartUnderLoad() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_rolling", 3)) {
      Scenario scenario = new Scenario("rolling restart", cluster, Load.stations(2008));
      scenario.startLoad(400);
      try {
        scenario.awaitRecorded(0.1, Duration.ofMinutes(2));
        scenario.fault("rolling restart begins");
        for (NodeProcess node : cluster.nodes) {
          // each restart must meet records in flight too, not only the first
          scenario.assertLoadInFlight("SIGTERM of " + node.name);
          long stopping = System.nanoTime();
          node.terminate();
          assertTrue(
              node.awaitExit(Duration.ofSeconds(60)),
              node.name + " stops on SIGTERM: " + node.log());
          Harness.say(
              "%s stopped (exit code %d) in %s",
              node.name, node.exitValue(), Harness.seconds(System.nanoTime() - stopping));
          node.start();
          cluster.awaitWhole(3, Duration.ofMinutes(3));
          Harness.say(
              "%s restarted; cluster whole %s after its SIGTERM",
              node.name, Harness.seconds(System.nanoTime() - stopping));
        }
        scenario.awaitExact(Duration.ofMinutes(4));
      } finally {
        scenario.load.close();
      }
    }
  }
}
