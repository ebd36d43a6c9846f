package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a node in the middle of a load; the survivors take over; it comes back and rejoins.
 */
class NodeKillIT {

  @Test
  void shouldLoseAndCountTwiceNothingWhenANodeIsKilledMidLoadAndRejoins() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_kill", 3)) {
      Scenario scenario = new Scenario("kill -9 and rejoin", cluster, Load.stations(2008));
      scenario.startLoad(2_000);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        NodeProcess victim = cluster.busiestOwnerOf(scenario.devicePartitions());
        Set<Integer> owned = new HashSet<>(cluster.assignment().get(victim.kafkaClientId()));
        owned.retainAll(scenario.devicePartitions());
        assertFalse(owned.isEmpty(), "the victim consumes partitions of the test's devices");
        scenario.fault("kill -9 of " + victim.name + ", consumer of device partitions " + owned);
        victim.kill9();
        cluster.awaitWhole(2, Duration.ofMinutes(2));
        Harness.say(
            "survivors whole and consuming every partition %s after the kill",
            Harness.seconds(scenario.sinceFault()));
        victim.start();
        cluster.awaitWhole(3, Duration.ofMinutes(3));
        Harness.say(
            "%s rejoined: 3 members Up %s after the kill",
            victim.name, Harness.seconds(scenario.sinceFault()));
        scenario.awaitExact(Duration.ofMinutes(4));
      } finally {
        scenario.load.close();
      }
    }
  }
}
