package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's Cluster Bootstrap configuration ({@code kubernetes-api} discovery, service {@code
 * squall}) finds exactly the Running pods of the production Deployment on a Kubernetes API over
 * HTTPS, by the labels and the port name its manifest gives them.
 */
class KubernetesApiDiscoveryTest {

  @TempDir Path dir;

  @Test
  void shouldResolveTheRunningPodsOfTheDeploymentToTheirManagementPort() throws Exception {
    ProdOverlay prod = ProdOverlay.render();
    try (KubernetesApi api = KubernetesApi.start(dir, prod.namespace())) {
      api.createPod(prod.pod("squall-a", "127.0.0.2"));
      api.createPod(prod.pod("squall-b", "127.0.0.3"));
      api.createPod(prod.pod("squall-c", "127.0.0.4"));
      api.createPod(
          new PodBuilder(prod.pod("squall-starting", "127.0.0.5"))
              .editStatus()
              .withPhase("Pending")
              .endStatus()
              .build());
      api.createPod(
          new PodBuilder(prod.pod("other-app", "127.0.0.6"))
              .editMetadata()
              .withLabels(Map.of("app", "other"))
              .endMetadata()
              .build());

      Set<String> resolved = lookUp(api, "management");

      int management = prod.port("management");
      assertEquals(
          Set.of(
              target(api, "127.0.0.2", management),
              target(api, "127.0.0.3", management),
              target(api, "127.0.0.4", management)),
          resolved);
    }
  }

  /** What Bootstrap contacts: the pod's cluster DNS name, the port and the pod's IP. */
  private static String target(KubernetesApi api, String ip, int port) {
    return api.podHostName(ip) + " " + port + " " + ip;
  }

  /** Runs {@link DiscoveryLookup} in a JVM whose environment points at {@code api}. */
  private Set<String> lookUp(KubernetesApi api, String portName) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(api.jvmOptions());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DiscoveryLookup.class.getName());
    command.add(portName);
    Path output = dir.resolve("lookup.log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(api.environment());
    builder.redirectOutput(output.toFile());
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the lookup did not end within 60 s: " + read(output));
    }
    List<String> lines = Files.readAllLines(output);
    Set<String> targets =
        lines.stream()
            .filter(line -> line.startsWith(DiscoveryLookup.PREFIX))
            .map(line -> line.substring(DiscoveryLookup.PREFIX.length()))
            .collect(Collectors.toSet());
    if (process.exitValue() != 0 || targets.isEmpty()) {
      throw new AssertionError(
          "the lookup exited with " + process.exitValue() + " and printed:\n" + read(output));
    }
    return targets;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
