package io.squall.multijvm;

import io.squall.persistence.testing.LocalInfra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Cassandra stops for 30 s in the middle of a load: back-pressure, no loss, ingestion resumes. */
class CassandraOutageIT {

  @Test
  void shouldResumeByItselfAndLoseNothingWhenCassandraIsDownFor30Seconds() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_cassandra", 3)) {
      Scenario scenario = new Scenario("Cassandra down 30 s", cluster, Load.stations(2008));
      scenario.startLoad(1_500);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        scenario.fault("Cassandra stopped");
        try {
          LocalInfra.infra("stop", "cassandra");
          cluster.awaitNotReadyNaming("cassandra", Duration.ofSeconds(25));
          scenario.holdFault(Duration.ofSeconds(30));
        } finally {
          LocalInfra.infra("start", "cassandra");
        }
        Harness.say(
            "Cassandra serves again %s after it was stopped",
            Harness.seconds(scenario.sinceFault()));
        // every node's /ready answers 200 again (awaitWhole asks it)
        cluster.awaitWhole(3, Duration.ofMinutes(3));
        scenario.awaitExact(Duration.ofMinutes(4));
      } finally {
        scenario.load.close();
      }
    }
  }
}
