package io.squall.multijvm;

import io.squall.persistence.testing.LocalInfra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Kafka broker restarts in the middle of a load (producer and consumers ride it out). */
class KafkaRestartIT {

  @Test
  void shouldLoseAndCountTwiceNothingWhenTheBrokerRestartsMidLoad() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_kafka", 3)) {
      Scenario scenario = new Scenario("Kafka broker restart", cluster, Load.stations(2008));
      scenario.startLoad(1_500);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        scenario.fault("Kafka broker restarted");
        try {
          LocalInfra.infra("stop", "kafka");
        } finally {
          LocalInfra.infra("start", "kafka");
        }
        Harness.say(
            "Kafka serves again %s after it was stopped", Harness.seconds(scenario.sinceFault()));
        cluster.awaitWhole(3, Duration.ofMinutes(3));
        scenario.awaitExact(Duration.ofMinutes(4));
      } finally {
        scenario.load.close();
      }
    }
  }
}
