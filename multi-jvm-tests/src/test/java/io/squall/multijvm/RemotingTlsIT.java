package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Remoting over TLS with mutual authentication: two nodes holding certificates of one CA form a
 * cluster; a third, whose certificate another CA signed, reaches their port but never joins.
 */
class RemotingTlsIT {
  @Test
  void shouldKeepANodeWithAnotherCasCertificateOutOfTheCluster() throws Exception {
    try (SquallCluster cluster = SquallCluster.create("mj_tls", 0, SquallCluster.TEST_JVM)) {
      Path trusted = TestCertificates.issue(cluster.dir.resolve("tls-trusted"), "Squall CA");
      Path stranger = TestCertificates.issue(cluster.dir.resolve("tls-stranger"), "Other CA");
      int seedPort = Harness.freePort();
      NodeProcess first = add(cluster, "node-1", seedPort, seedPort, trusted);
      NodeProcess second = add(cluster, "node-2", Harness.freePort(), seedPort, trusted);
      first.start();
      second.start();
      cluster.awaitWhole(2, Duration.ofMinutes(3));
      Harness.say("node-1 and node-2 are one cluster over tls-tcp");

      NodeProcess intruder = add(cluster, "node-3", Harness.freePort(), seedPort, stranger);
      intruder.start();
      // long enough for several join attempts (the seed nodes are asked every few seconds)
      Thread.sleep(Duration.ofSeconds(30).toMillis());

      assertTrue(intruder.isAlive(), "node-3 runs, trying to join");
      for (NodeProcess member : List.of(first, second)) {
        Map<String, String> members = SquallCluster.members(member);
        assertEquals(
            Map.of(first.address(), "Up", second.address(), "Up"),
            members,
            member.name + " sees only the nodes holding the CA's certificates");
      }
      assertFalse(
          SquallCluster.members(intruder).containsValue("Up"),
          "node-3 is no member: " + SquallCluster.members(intruder));
      assertTrue(
          Files.readString(intruder.log()).contains("SSLHandshakeException"),
          "node-3 was refused in the TLS handshake (its log: " + intruder.log() + ")");
    }
  }

  /** A node on 127.0.0.1 joining through the seed at {@code seedPort}, with {@code tls}'s keys. */
  private static NodeProcess add(
      SquallCluster cluster, String name, int remotePort, int seedPort, Path tls) {
    return cluster.addNode(
        name,
        "127.0.0.1",
        remotePort,
        Harness.freePort(),
        Map.of(
            "SQUALL_CLUSTER_JOIN", "seed-nodes",
            "SQUALL_SEED_NODES", "akka://Squall@127.0.0.1:" + seedPort,
            "SQUALL_REMOTE_HOSTNAME", "127.0.0.1",
            "SQUALL_REMOTE_TRANSPORT", "tls-tcp",
            "SQUALL_REMOTE_TLS_DIR", tls.toString()),
        List.of());
  }
}
