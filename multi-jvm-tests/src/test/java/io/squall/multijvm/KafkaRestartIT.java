package io.squall.multijvm;

import io.squall.persistence.testing.LocalInfra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker stops for 20 s in the middle of a load, as an operator's restart takes: clients
 * see it gone, then the producer and the consumers ride it out.
 */
class KafkaRestartIT {

  @Test
  void shouldLoseAndCountTwiceNothingWhenTheBrokerRestartsMidLoad() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_kafka", 3)) {
      Scenario scenario = new Scenario("Kafka broker restart", cluster, Load.stations(2008));
      scenario.startLoad(1_500);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        scenario.fault("Kafka broker stopped for 20 s");
        try {
          LocalInfra.infra("stop", "kafka");
          awaitKafkaGone(cluster);
          scenario.holdFault(Duration.ofSeconds(20));
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

  /**
   * The outage as clients see it: the broker's port refuses connections, and every node's /ready
   * answers 503 naming Kafka (a stop that stopped nothing would pass no further).
   */
  private static void awaitKafkaGone(SquallCluster cluster) {
    String broker = LocalInfra.kafkaBootstrapServers();
    Harness.await(
        Duration.ofSeconds(15),
        Duration.ofMillis(250),
        "Kafka's port " + broker + " refuses connections",
        () -> !LocalInfra.listening(broker));
    cluster.awaitNotReadyNaming("kafka", Duration.ofSeconds(20));
  }
}
