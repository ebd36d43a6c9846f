package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Remoting over TLS with mutual authentication: two nodes holding certificates of one CA form a
 * cluster; a third, whose certificate another CA signed, reaches their port but never joins, nor
 * does a fourth whose certificate the CA signed for another name.
 */
class RemotingTlsIT {
  @Test
  void shouldKeepANodeWithAnotherCasCertificateOutOfTheCluster() throws Exception {
    try (SquallCluster cluster = SquallCluster.create("mj_tls", 0, SquallCluster.TEST_JVM)) {
      Path trusted = TestCertificates.issue(cluster.dir.resolve("tls-trusted"), "Squall CA");
      // the stranger trusts the cluster's CA, so only the cluster's check of its certificate
      // (mutual
      // authentication) can keep it out
      Path stranger = TestCertificates.issue(cluster.dir.resolve("tls-stranger"), "Other CA");
      Files.copy(
          trusted.resolve("ca.crt"),
          stranger.resolve("ca.crt"),
          StandardCopyOption.REPLACE_EXISTING);
      int seedPort = Harness.freePort();
      NodeProcess first = add(cluster, "node-1", seedPort, seedPort, trusted);
      NodeProcess second = add(cluster, "node-2", Harness.freePort(), seedPort, trusted);
      first.start();
      second.start();
      cluster.awaitWhole(2, Duration.ofMinutes(3));
      Harness.say("node-1 and node-2 are one cluster over tls-tcp");

      NodeProcess intruder = add(cluster, "node-3", Harness.freePort(), seedPort, stranger);
      intruder.start();
      // the seed's TLS refuses a certificate of another CA: node-3 hears its alert
      awaitRefused(intruder, "SSLHandshakeException: Received fatal alert: certificate_unknown");

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

      // the cluster's CA signed this one, but for another name than the nodes share
      intruder.terminate();
      Path otherName =
          TestCertificates.signedBy(trusted, cluster.dir.resolve("tls-other-name"), "not-squall");
      NodeProcess misnamed = add(cluster, "node-4", Harness.freePort(), seedPort, otherName);
      misnamed.start();
      // the handshake passes (same CA); then the seed checks the name and cuts the connection
      awaitRefused(
          misnamed,
          "outbound connection to [akka://Squall@127.0.0.1:"
              + seedPort
              + "], control stream] Upstream failed, cause: StreamTcpException: The connection"
              + " closed with error: Connection reset");
      assertTrue(misnamed.isAlive(), "node-4 runs, trying to join");
      assertEquals(
          Map.of(first.address(), "Up", second.address(), "Up"),
          SquallCluster.members(first),
          "node-1 sees only the nodes whose certificates name squall");
    }
  }

  /**
   * Waits until {@code node}'s log shows the seed refusing it ({@code evidence}), then for a few
   * more of its join attempts: what follows checks it stayed out after trying, not before it tried.
   */
  private static void awaitRefused(NodeProcess node, String evidence) {
    Harness.await(
        Duration.ofMinutes(2),
        Duration.ofSeconds(1),
        "node-1 refused " + node.name + " (" + evidence + " in " + node.log() + ")",
        () -> logged(node).contains(evidence));
    Harness.say("node-1 refused %s: %s", node.name, evidence);
    Harness.sleep(Duration.ofSeconds(10));
  }

  private static String logged(NodeProcess node) {
    try {
      return Files.readString(node.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
