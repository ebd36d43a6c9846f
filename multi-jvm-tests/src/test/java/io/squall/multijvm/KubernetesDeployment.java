package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.squall.persistence.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Squall's production overlay deployed as {@code docs/kubernetes.md} says, on loopback: the schema
 * Job runs to completion, then each pod of the Deployment is a node process with an IP of its own
 * (127.0.0.2, .3, … — Linux routes all of 127/8 to this machine), the container's ports and the
 * environment the kubelet builds from the manifests, with the build's Kafka and Cassandra and the
 * cluster's topic and keyspaces over it.
 *
 * <p>The pods are on a {@link KubernetesApi}; the nodes find each other through Cluster Bootstrap's
 * {@code kubernetes-api} discovery, which names a pod by its cluster DNS name: a hosts file for the
 * nodes' JVMs ({@code jdk.net.hosts.file}) stands in for the cluster's DNS.
 */
final class KubernetesDeployment implements AutoCloseable {
  final SquallCluster cluster;
  final KubernetesApi api;
  final ProdOverlay overlay;
  private final Path hosts;
  private final Map<NodeProcess, String> pods = new HashMap<>();
  private int created;

  private KubernetesDeployment(
      SquallCluster cluster, KubernetesApi api, ProdOverlay overlay, Path hosts) {
    this.cluster = cluster;
    this.api = api;
    this.overlay = overlay;
    this.hosts = hosts;
  }

  /**
   * Runs the schema Job, then creates the Deployment's pods, starts their nodes and waits until
   * they are one cluster.
   */
  static KubernetesDeployment start(String prefix) throws Exception {
    ProdOverlay overlay = ProdOverlay.render();
    SquallCluster cluster = SquallCluster.create(prefix, 0, SquallCluster.TEST_JVM);
    KubernetesDeployment deployment = null;
    try {
      Path dir = cluster.dir.resolve("kubernetes");
      KubernetesApi api = KubernetesApi.start(dir, overlay.namespace());
      deployment = new KubernetesDeployment(cluster, api, overlay, dir.resolve("hosts"));
      Files.writeString(deployment.hosts, "127.0.0.1 localhost " + hostName() + "\n");
      assertEquals(0, deployment.runSchemaJob(), "the schema Job's exit code");
      for (int i = 0; i < overlay.replicas(); i++) {
        deployment.createPod();
      }
      cluster.nodes.forEach(NodeProcess::start);
      deployment.awaitOneCluster(Duration.ofMinutes(3));
      return deployment;
    } catch (Exception | AssertionError e) {
      if (deployment != null) {
        deployment.close();
      } else {
        cluster.close();
      }
      throw e;
    }
  }

  /**
   * Runs the schema Job's container until it succeeds, at most {@code backoffLimit + 1} times as
   * Kubernetes does (without its back-off delays); answers the last exit code.
   */
  private int runSchemaJob() {
    int attempts = overlay.schemaJob.getSpec().getBackoffLimit() + 1;
    int exit = -1;
    for (int attempt = 1; attempt <= attempts && exit != 0; attempt++) {
      exit =
          NodeProcess.runCommand(
              cluster.environment(overlay.schemaEnvironment()),
              cluster.dir.resolve("squall-schema-" + attempt + ".log"),
              "schema");
    }
    return exit;
  }

  /** Scale up by one: the pod is on the API first, then its node starts, as a kubelet starts it. */
  NodeProcess scaleUp() {
    NodeProcess node = createPod();
    node.start();
    return node;
  }

  /** Scale down by one: the pod is deleted from the API and its node gets SIGTERM. */
  void scaleDown(NodeProcess node) {
    api.deletePod(pods.remove(node));
    node.terminate();
  }

  private NodeProcess createPod() {
    created++;
    String pod = "squall-" + created;
    String ip = "127.0.0." + (1 + created);
    try {
      Files.writeString(hosts, ip + " " + api.podHostName(ip) + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    api.createPod(overlay.pod(pod, ip));
    Map<String, String> env = new HashMap<>(overlay.nodeEnvironment(pod, ip));
    env.putAll(api.environment());
    if ("tls-tcp".equals(env.get("SQUALL_REMOTE_TRANSPORT"))) {
      // the Secret squall-remoting-tls, as the kubelet mounts it
      env.put("SQUALL_REMOTE_TLS_DIR", remotingKeys().toString());
    }
    List<String> jvm = new ArrayList<>(api.jvmOptions());
    jvm.add("-Djdk.net.hosts.file=" + hosts);
    NodeProcess node =
        cluster.addNode(pod, ip, overlay.port("remoting"), overlay.port("management"), env, jvm);
    pods.put(node, pod);
    return node;
  }

  /** One CA's key and certificate for every pod, made on first use. */
  private Path remotingKeys() {
    Path dir = cluster.dir.resolve("remoting-tls");
    return Files.exists(dir.resolve("tls.crt")) ? dir : TestCertificates.issue(dir, "Squall CA");
  }

  /**
   * Waits until the pods' nodes are a whole cluster (every one Up, ready, consuming) and every node
   * sees exactly the pods' nodes as members: one cluster, never two.
   */
  void awaitOneCluster(Duration timeout) {
    List<NodeProcess> running = List.copyOf(pods.keySet());
    cluster.awaitWhole(running, timeout);
    Set<String> expected = running.stream().map(NodeProcess::address).collect(Collectors.toSet());
    for (NodeProcess node : running) {
      assertEquals(
          expected,
          SquallCluster.members(node).keySet(),
          node.name + " sees the members of one cluster: the pods' nodes");
    }
  }

  /** This machine's name, which the nodes' JVMs resolve only through the hosts file. */
  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    cluster.close();
    api.close();
  }
}
