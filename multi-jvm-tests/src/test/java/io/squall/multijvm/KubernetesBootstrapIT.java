package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Three pods form one cluster through Cluster Bootstrap on the Kubernetes API, then the Deployment
 * scales to four and back to three under load: every node joins the one cluster, and nothing is
 * lost or counted twice.
 */
class KubernetesBootstrapIT {

  @Test
  void shouldFormOneClusterOfThePodsAndFollowTheDeploymentUpAndDown() throws Exception {
    try (KubernetesDeployment deployment = KubernetesDeployment.start("mj_k8s")) {
      SquallCluster cluster = deployment.cluster;
      checkStatusInAPod(cluster.node(1));
      Scenario scenario = new Scenario("kubernetes 3 -> 4 -> 3", cluster, Load.stations(2008));
      // slow enough that the load still runs when the scale-down comes; the scale-up need not wait
      // for readings (the three nodes were seen consuming)
      scenario.startLoad(800);
      try {
        scenario.fault("scale up: a 4th pod");
        deployment.scaleUp();
        deployment.awaitOneCluster(Duration.ofMinutes(2));
        Harness.say("4 nodes, one cluster, %s after the scale-up", since(scenario));

        // the oldest node, which formed the cluster: the shard coordinator moves with it
        NodeProcess leaving = cluster.node(0);
        scenario.fault("scale down: pod " + leaving.name + " deleted, SIGTERM");
        deployment.scaleDown(leaving);
        assertTrue(
            leaving.awaitExit(Duration.ofSeconds(60)), leaving.name + " leaves: " + leaving.log());
        assertEquals(143, leaving.exitValue(), "exit code after SIGTERM: " + leaving.log());
        assertTrue(
            Files.readString(leaving.log()).contains("Exiting completed"),
            leaving.name + " left the cluster gracefully: " + leaving.log());
        deployment.awaitOneCluster(Duration.ofMinutes(2));
        Harness.say("3 nodes, one cluster, %s after the scale-down", since(scenario));

        scenario.awaitExact(Duration.ofMinutes(2));
      } finally {
        scenario.load.close();
      }
    }
  }

  /**
   * {@code squall status} as docs/kubernetes.md runs it ({@code kubectl exec}, no address given):
   * it finds the node's management on the pod's IP (nothing answers on 127.0.0.1:8558 here) and its
   * API on loopback, and reports the whole cluster healthy.
   */
  private static void checkStatusInAPod(NodeProcess pod) throws Exception {
    Path log = pod.log().resolveSibling(pod.name + "-status.log");
    assertEquals(0, pod.exec(log, "status"), "squall status in the pod: " + log);
    String report = Files.readString(log);
    assertEquals(3, report.lines().filter(line -> line.endsWith(" Up")).count(), report);
    assertTrue(report.lines().anyMatch(line -> line.equals("healthy")), report);
  }

  private static String since(Scenario scenario) {
    return Harness.seconds(scenario.sinceFault());
  }
}
