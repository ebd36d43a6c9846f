package io.squall.multijvm;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes API server holding Squall's pods, for Cluster Bootstrap's {@code kubernetes-api}
 * discovery: fabric8's mock server in CRUD mode, over HTTPS on 127.0.0.1 with the self-signed
 * certificate it generates (SANs {@code localhost} and {@code 127.0.0.1}).
 *
 * <p>A process finds it as a pod finds its cluster's API: {@link #environment()} holds the
 * variables Kubernetes injects, {@link #jvmOptions()} points the discovery at a directory laid out
 * like a mounted service account (CA certificate, token, namespace). The discovery reads the API's
 * address only from environment variables, so a JVM that looks pods up must be started with them.
 */
final class KubernetesApi implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path serviceAccount;
  private final String namespace;

  private KubernetesApi(KubernetesMockServer server, Path serviceAccount, String namespace) {
    this.server = server;
    this.client = server.createClient();
    this.serviceAccount = serviceAccount;
    this.namespace = namespace;
  }

  /**
   * Starts the server and writes under {@code dir} the service account files of a pod in {@code
   * namespace}.
   */
  static KubernetesApi start(Path dir, String namespace) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new JsonCrudDispatcher(), true);
    server.init();
    try {
      Path serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
      Files.copy(
          Path.of(server.getSelfSignedCertificate().certificatePath()),
          serviceAccount.resolve("ca.crt"));
      Files.writeString(serviceAccount.resolve("token"), "squall-test-token");
      Files.writeString(serviceAccount.resolve("namespace"), namespace);
      return new KubernetesApi(server, serviceAccount, namespace);
    } catch (IOException e) {
      server.destroy();
      throw new UncheckedIOException(e);
    }
  }

  /** What Kubernetes sets in every container: where the API server listens. */
  Map<String, String> environment() {
    return Map.of(
        "KUBERNETES_SERVICE_HOST",
        "127.0.0.1",
        "KUBERNETES_SERVICE_PORT",
        String.valueOf(server.getPort()));
  }

  /** Points the discovery at this server's service account files (defaults: the mounted ones). */
  List<String> jvmOptions() {
    String prefix = "-Dakka.discovery.kubernetes-api.";
    return List.of(
        prefix + "api-ca-path=" + serviceAccount.resolve("ca.crt"),
        prefix + "api-token-path=" + serviceAccount.resolve("token"),
        prefix + "pod-namespace-path=" + serviceAccount.resolve("namespace"));
  }

  /** The cluster DNS name the discovery gives a pod ({@code use-raw-ip = false}). */
  String podHostName(String ip) {
    return ip.replace('.', '-') + "." + namespace + ".pod.cluster.local";
  }

  /** Creates {@code pod} in this API's namespace, as a ReplicaSet creates its pods. */
  void createPod(Pod pod) {
    client.pods().inNamespace(namespace).resource(pod).create();
  }

  void deletePod(String name) {
    client.pods().inNamespace(namespace).withName(name).delete();
  }

  /**
   * The CRUD dispatcher, its answers labelled JSON as the real API server's are: fabric8's leaves
   * out the content type, and the discovery reads only {@code application/json}.
   */
  private static final class JsonCrudDispatcher extends KubernetesCrudDispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      MockResponse response = super.dispatch(request);
      if (response.header("Content-Type") == null) {
        response.setHeader("Content-Type", "application/json");
      }
      return response;
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
