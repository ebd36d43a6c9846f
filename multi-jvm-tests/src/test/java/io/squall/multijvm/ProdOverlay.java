package io.squall.multijvm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.squall.multijvm.k8s.KubernetesManifests;
import io.squall.multijvm.k8s.NodeEnvironment;
import io.squall.persistence.testing.LocalInfra;
import java.util.List;
import java.util.Map;

/**
 * Squall's production overlay ({@code k8s/overlays/prod}) as rendered: the pods its Deployment
 * creates and the environment the kubelet gives their containers and the schema Job's.
 */
final class ProdOverlay {
  final List<HasMetadata> objects;
  final Deployment deployment;
  final Job schemaJob;

  private ProdOverlay(List<HasMetadata> objects) {
    this.objects = objects;
    this.deployment = the(Deployment.class, objects);
    this.schemaJob = the(Job.class, objects);
  }

  static ProdOverlay render() {
    return new ProdOverlay(
        KubernetesManifests.render(LocalInfra.projectDir().resolve("k8s/overlays/prod")));
  }

  String namespace() {
    return deployment.getMetadata().getNamespace();
  }

  int replicas() {
    return deployment.getSpec().getReplicas();
  }

  /** A Running pod of the Deployment: its template's labels and containers, a name and an IP. */
  Pod pod(String name, String ip) {
    PodTemplateSpec template = deployment.getSpec().getTemplate();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace())
        .withLabels(template.getMetadata().getLabels())
        .endMetadata()
        .withSpec(template.getSpec())
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  /** The port of the node's container named {@code name} ({@code management}, {@code remoting}). */
  int port(String name) {
    return node().getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new AssertionError("the node's container has no port " + name));
  }

  /** The node container's environment in the pod {@code name} at {@code ip}. */
  Map<String, String> nodeEnvironment(String name, String ip) {
    return NodeEnvironment.of(node(), deployment, objects, name, ip);
  }

  /** The schema Job container's environment. */
  Map<String, String> schemaEnvironment() {
    Container container = schemaJob.getSpec().getTemplate().getSpec().getContainers().get(0);
    return NodeEnvironment.of(container, schemaJob, objects, "squall-schema", "");
  }

  private Container node() {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static <T extends HasMetadata> T the(Class<T> type, List<HasMetadata> objects) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found);
    }
    return found.get(0);
  }
}
