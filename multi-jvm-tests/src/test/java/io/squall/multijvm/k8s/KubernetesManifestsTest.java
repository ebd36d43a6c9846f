package io.squall.multijvm.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code kubectl apply -k} of {@code k8s/base}, {@code k8s/overlays/dev} and {@code
 * k8s/overlays/prod} would create, and how a node would read it, checked without a cluster.
 */
class KubernetesManifestsTest {
  private static final Path PROJECT = Path.of(System.getProperty("squall.project.dir", ".."));
  private static final Map<String, Path> DIRS =
      Map.of(
          "base", PROJECT.resolve("k8s/base"),
          "dev", PROJECT.resolve("k8s/overlays/dev"),
          "prod", PROJECT.resolve("k8s/overlays/prod"));
  private static final Map<String, List<HasMetadata>> RENDERS = new ConcurrentHashMap<>();

  /** Read by code, not by application.conf: NodeConfig's lists, logback.xml, the entrypoint. */
  private static final Set<String> READ_OUTSIDE_CONFIG =
      Set.of(
          "SQUALL_CASSANDRA_CONTACT_POINTS",
          "SQUALL_SEED_NODES",
          "SQUALL_LOG_LEVEL",
          "SQUALL_JAVA_OPTS");

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldRenderEveryObjectIntoTheKubernetesModel(String render) {
    assertEquals(
        List.of(
            "ServiceAccount squall",
            "Role squall",
            "RoleBinding squall",
            "ConfigMap squall-config",
            "Service squall",
            "Deployment squall",
            "PodDisruptionBudget squall",
            "Job squall-schema"),
        objects(render).stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldRenderExactlyWhatKubectlKustomizeRenders(String render) throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed");
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", DIRS.get(render).toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS) && kubectl.exitValue() == 0, yaml);

    assertEquals(byId(KubernetesManifests.parse(yaml)), byId(objects(render)));
  }

  @Test
  void shouldRejectAFieldKubernetesDoesNotKnow() {
    String typo =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: squall}\n"
            + "spec:\n  template:\n    spec:\n      containers:\n        - name: squall\n"
            + "          readinessProbe: {httpGet: {path: /ready, prot: management}}\n";

    Exception failure = assertThrows(Exception.class, () -> KubernetesManifests.parse(typo));
    assertTrue(failure.getMessage().contains("\"prot\""), failure.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "commonLabels: {team: data}                                  | commonLabels",
        "patches: [{path: patch.yaml}]                               | patches",
        "configMapGenerator: [{name: squall-config, literals: [A=1]}] | behavior: merge",
        "images: [{name: squall, digest: 'sha256:0'}]                | digest"
      })
  void shouldRejectAKustomizationFeatureItCannotRender(
      String feature, String named, @TempDir Path dir) throws IOException {
    Path base = PROJECT.resolve("k8s/base").toAbsolutePath();
    Files.writeString(dir.resolve("kustomization.yaml"), "resources: [" + base + "]\n" + feature);

    Exception failure =
        assertThrows(IllegalArgumentException.class, () -> KubernetesManifests.render(dir));
    assertTrue(failure.getMessage().contains(named), failure.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldProbeReadyAndAliveOnTheManagementPort(String render) {
    Container node = node(render);
    Config config = NodeEnvironment.nodeConfig(env(render));

    assertEquals("/ready", node.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/alive", node.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/alive", node.getStartupProbe().getHttpGet().getPath());
    for (Probe probe :
        List.of(node.getReadinessProbe(), node.getLivenessProbe(), node.getStartupProbe())) {
      assertEquals(new IntOrString("management"), probe.getHttpGet().getPort());
      assertTrue(
          probe.getTimeoutSeconds() * 1000L
              > config.getDuration("akka.management.health-checks.check-timeout").toMillis(),
          "a probe gives up before the node's checks do");
    }
    assertEquals(config.getInt("akka.management.http.port"), port(node, "management"));
    assertEquals(NodeEnvironment.POD_IP, config.getString("akka.management.http.hostname"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldFormOneClusterFromTheDeploymentsPodsOnly(String render) {
    Config config = NodeEnvironment.nodeConfig(env(render));
    String discovery = "akka.management.cluster.bootstrap.contact-point-discovery";
    String[] selector =
        config
            .getString("akka.discovery.kubernetes-api.pod-label-selector")
            .formatted(config.getString(discovery + ".service-name"))
            .split("=");

    assertEquals("bootstrap", config.getString("squall.cluster.join"));
    assertEquals("kubernetes-api", config.getString(discovery + ".discovery-method"));
    assertEquals(selector[1], podLabels(the(Deployment.class, render)).get(selector[0]));
    assertNotEquals(selector[1], podLabels(the(Job.class, render)).get(selector[0]));
    assertEquals(NodeEnvironment.POD_IP, config.getString("akka.remote.artery.canonical.hostname"));
    assertEquals(
        config.getInt("akka.remote.artery.canonical.port"), port(node(render), "remoting"));
    assertTrue(
        config.getInt(discovery + ".required-contact-point-nr")
            <= the(Deployment.class, render).getSpec().getReplicas(),
        "a cluster needs more contact points than there are replicas");
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldServeTheHttpApiFromTheNodesOnly(String render) {
    Service service = the(Service.class, render);
    Config config = NodeEnvironment.nodeConfig(env(render));

    assertTrue(selects(service.getSpec().getSelector(), podLabels(the(Deployment.class, render))));
    assertFalse(selects(service.getSpec().getSelector(), podLabels(the(Job.class, render))));
    assertEquals(new IntOrString("http"), service.getSpec().getPorts().get(0).getTargetPort());
    assertEquals(config.getInt("squall.http.port"), port(node(render), "http"));
    assertEquals("0.0.0.0", config.getString("squall.http.interface"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldGrantTheNodesOnlyReadingAndPatchingPods(String render) {
    List<PolicyRule> rules = the(Role.class, render).getRules();
    RoleBinding binding = the(RoleBinding.class, render);
    Deployment deployment = the(Deployment.class, render);
    Subject subject = binding.getSubjects().get(0);

    assertEquals(1, rules.size());
    assertEquals(List.of(""), rules.get(0).getApiGroups());
    assertEquals(List.of("pods"), rules.get(0).getResources());
    assertEquals(Set.of("get", "watch", "list"), Set.copyOf(rules.get(0).getVerbs()));
    assertEquals(the(Role.class, render).getMetadata().getName(), binding.getRoleRef().getName());
    assertEquals(1, binding.getSubjects().size());
    assertEquals("ServiceAccount", subject.getKind());
    assertEquals(
        deployment.getSpec().getTemplate().getSpec().getServiceAccountName(), subject.getName());
    assertEquals(deployment.getMetadata().getNamespace(), subject.getNamespace());
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldLetDisruptionsTakeOneNodeAtATime(String render) {
    PodDisruptionBudget budget = the(PodDisruptionBudget.class, render);
    Map<String, String> selector = budget.getSpec().getSelector().getMatchLabels();

    assertEquals(new IntOrString(1), budget.getSpec().getMaxUnavailable());
    assertTrue(selects(selector, podLabels(the(Deployment.class, render))));
    assertFalse(selects(selector, podLabels(the(Job.class, render))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldSpreadTheNodesOverHosts(String render) {
    PodSpec pod = the(Deployment.class, render).getSpec().getTemplate().getSpec();
    Map<String, String> labels = podLabels(the(Deployment.class, render));
    var spread = pod.getTopologySpreadConstraints().get(0);
    var antiAffinity =
        pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();

    assertEquals("kubernetes.io/hostname", spread.getTopologyKey());
    assertEquals(1, spread.getMaxSkew());
    assertEquals("ScheduleAnyway", spread.getWhenUnsatisfiable());
    assertTrue(selects(spread.getLabelSelector().getMatchLabels(), labels));
    assertEquals(
        "kubernetes.io/hostname", antiAffinity.get(0).getPodAffinityTerm().getTopologyKey());
    assertTrue(
        selects(
            antiAffinity.get(0).getPodAffinityTerm().getLabelSelector().getMatchLabels(), labels));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldRunUnprivilegedOnAReadOnlyRootFilesystemAsTheImagesUser(String render)
      throws IOException {
    String imageUser =
        Files.readAllLines(PROJECT.resolve("Dockerfile")).stream()
            .filter(line -> line.startsWith("USER "))
            .findFirst()
            .orElseThrow()
            .replaceAll("USER (\\d+).*", "$1");

    for (HasMetadata workload : workloads(render)) {
      PodTemplateSpec template = template(workload);
      var pod = template.getSpec().getSecurityContext();
      assertTrue(pod.getRunAsNonRoot());
      assertEquals(Long.valueOf(imageUser), pod.getRunAsUser());
      assertEquals("RuntimeDefault", pod.getSeccompProfile().getType());
      for (Container container : template.getSpec().getContainers()) {
        var security = container.getSecurityContext();
        assertFalse(security.getAllowPrivilegeEscalation(), container.getName());
        assertTrue(security.getReadOnlyRootFilesystem(), container.getName());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), container.getName());
        String tmp = container.getVolumeMounts().get(0).getName();
        assertEquals("/tmp", container.getVolumeMounts().get(0).getMountPath());
        assertTrue(
            template.getSpec().getVolumes().stream()
                .anyMatch(v -> v.getName().equals(tmp) && v.getEmptyDir() != null));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldReserveMemoryAndCpuAndSizeTheJvmToThem(String render) throws IOException {
    var resources = node(render).getResources();
    String javaOptions = env(render).get("SQUALL_JAVA_OPTS");

    assertEquals(new Quantity("1"), resources.getRequests().get("cpu"));
    assertEquals(new Quantity("2Gi"), resources.getRequests().get("memory"));
    assertEquals(Map.of("memory", new Quantity("2Gi")), resources.getLimits());
    for (String flag :
        List.of(
            "-XX:ActiveProcessorCount=2",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:MaxRAMPercentage=70",
            "-XX:+UseParallelGC")) {
      assertTrue(javaOptions.contains(flag), flag + " not in " + javaOptions);
    }
    assertTrue(Files.readString(PROJECT.resolve("Dockerfile")).contains("java $SQUALL_JAVA_OPTS"));
    for (Container schema :
        the(Job.class, render).getSpec().getTemplate().getSpec().getContainers()) {
      assertNotNull(schema.getResources().getRequests().get("memory"));
      assertNotNull(schema.getResources().getLimits().get("memory"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldRollOutOneNewNodeBeforeStoppingAnOldOne(String render) {
    var spec = the(Deployment.class, render).getSpec();

    assertEquals("RollingUpdate", spec.getStrategy().getType());
    assertEquals(new IntOrString(0), spec.getStrategy().getRollingUpdate().getMaxUnavailable());
    assertEquals(new IntOrString(1), spec.getStrategy().getRollingUpdate().getMaxSurge());
    assertEquals(60L, spec.getTemplate().getSpec().getTerminationGracePeriodSeconds());
  }

  @Test
  void shouldRunOneNodeInDevAndThreeInProd() {
    assertEquals(1, the(Deployment.class, "dev").getSpec().getReplicas());
    assertEquals(3, the(Deployment.class, "prod").getSpec().getReplicas());
    assertEquals("1", env("dev").get("SQUALL_BOOTSTRAP_REQUIRED_CONTACTS"));
    assertEquals("2", env("prod").get("SQUALL_BOOTSTRAP_REQUIRED_CONTACTS"));
    assertEquals("3", env("prod").get("SQUALL_CASSANDRA_REPLICATION_FACTOR"));
    assertEquals("3", env("prod").get("SQUALL_KAFKA_REPLICATION_FACTOR"));
    assertEquals("64", env("prod").get("SQUALL_READINGS_PARTITIONS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldLeaveTheSchemaToTheSchemaJob(String render) {
    Config config = NodeEnvironment.nodeConfig(env(render));
    Job job = the(Job.class, render);
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container schema = pod.getContainers().get(0);

    assertEquals("false", env(render).get("SQUALL_SCHEMA_AUTOCREATE"));
    assertFalse(config.getBoolean("squall.projections.autocreate"));
    for (String store : List.of("journal", "snapshot")) {
      String prefix = "akka.persistence.cassandra." + store;
      assertFalse(config.getBoolean(prefix + ".keyspace-autocreate"), store);
      assertFalse(config.getBoolean(prefix + ".tables-autocreate"), store);
    }
    assertEquals(List.of("io.squall.node.Cli", "schema"), tail(schema.getCommand(), 2));
    assertEquals("OnFailure", pod.getRestartPolicy());
    assertEquals(6, job.getSpec().getBackoffLimit());
    assertEquals(node(render).getEnvFrom(), schema.getEnvFrom());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void shouldRunOneTaggedImageInTheOverlaysNamespace(String render) {
    String image = node(render).getImage();

    assertTrue(image.matches(".+:[^:/]+") && !image.endsWith(":latest"), image);
    for (HasMetadata workload : workloads(render)) {
      assertEquals(image, template(workload).getSpec().getContainers().get(0).getImage());
    }
    for (HasMetadata object : objects(render)) {
      assertEquals(
          render.equals("dev") ? "squall-dev" : "squall", object.getMetadata().getNamespace());
      assertEquals("squall", object.getMetadata().getLabels().get("app.kubernetes.io/name"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldDefineEveryVariableTheContainersUse(String render) {
    for (HasMetadata workload : workloads(render)) {
      for (Container container : template(workload).getSpec().getContainers()) {
        container
            .getEnvFrom()
            .forEach(
                from ->
                    NodeEnvironment.configMap(objects(render), from.getConfigMapRef().getName()));
        for (EnvVar variable : container.getEnv()) {
          var from = variable.getValueFrom();
          boolean defined =
              variable.getValue() != null
                  ? from == null
                  : from.getFieldRef() != null
                      || (from.getSecretKeyRef() != null
                          && Boolean.TRUE.equals(from.getSecretKeyRef().getOptional()));
          assertTrue(defined, variable.getName() + " in " + container.getName());
        }
        Map<String, String> env = NodeEnvironment.of(container, workload, objects(render));
        env.forEach((name, value) -> assertFalse(value.contains("$("), name + "=" + value));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldMountTheApiTokensAndRemotingKeysFromSecretsWhereTheNodeReadsThem(String render) {
    Map<String, String> mounts = new HashMap<>();
    node(render).getVolumeMounts().forEach(m -> mounts.put(m.getName(), m.getMountPath()));
    Map<String, String> secrets = new HashMap<>();
    the(Deployment.class, render).getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getSecret() != null)
        .forEach(v -> secrets.put(v.getName(), v.getSecret().getSecretName()));

    assertEquals(
        Map.of("api-tokens", "squall-api-tokens", "remoting-tls", "squall-remoting-tls"), secrets);
    assertEquals(env(render).get("SQUALL_API_TOKENS_FILE"), mounts.get("api-tokens") + "/tokens");
    assertEquals(
        ConfigFactory.load()
            .getString("akka.remote.artery.ssl.rotating-keys-engine.secret-mount-point"),
        mounts.get("remoting-tls"));
    assertEquals(
        render.equals("prod") ? "tls-tcp" : null, env(render).get("SQUALL_REMOTE_TRANSPORT"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "dev", "prod"})
  void shouldSetOnlyVariablesTheNodeReads(String render) {
    Map<String, String> env = env(render);
    Set<String> declared = new TreeSet<>(env.keySet());
    for (HasMetadata workload : workloads(render)) {
      for (Container container : template(workload).getSpec().getContainers()) {
        container.getEnv().forEach(variable -> declared.add(variable.getName()));
      }
    }
    for (String variable : declared) {
      boolean read =
          variable.equals("POD_IP")
              || READ_OUTSIDE_CONFIG.contains(variable)
              || NodeEnvironment.configReads(variable, env);
      assertTrue(read, variable + " is set but the node does not read it");
    }
  }

  private static List<HasMetadata> objects(String render) {
    return RENDERS.computeIfAbsent(render, name -> KubernetesManifests.render(DIRS.get(name)));
  }

  private static Container node(String render) {
    List<Container> containers =
        the(Deployment.class, render).getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size());
    return containers.get(0);
  }

  private static Map<String, String> env(String render) {
    return NodeEnvironment.of(node(render), the(Deployment.class, render), objects(render));
  }

  private static List<HasMetadata> workloads(String render) {
    return List.of(the(Deployment.class, render), the(Job.class, render));
  }

  private static PodTemplateSpec template(HasMetadata workload) {
    return workload instanceof Deployment deployment
        ? deployment.getSpec().getTemplate()
        : ((Job) workload).getSpec().getTemplate();
  }

  private static <T extends HasMetadata> T the(Class<T> type, String render) {
    List<T> found = objects(render).stream().filter(type::isInstance).map(type::cast).toList();
    assertEquals(1, found.size(), type.getSimpleName() + " in " + render);
    return found.get(0);
  }

  private static Map<String, String> podLabels(HasMetadata workload) {
    return template(workload).getMetadata().getLabels();
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
  }

  private static int port(Container container, String name) {
    return container.getPorts().stream()
        .filter(port -> name.equals(port.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no port " + name))
        .getContainerPort();
  }

  private static <T> List<T> tail(List<T> list, int n) {
    return list.subList(Math.max(0, list.size() - n), list.size());
  }

  private static Map<String, HasMetadata> byId(List<HasMetadata> objects) {
    Map<String, HasMetadata> byId = new TreeMap<>();
    for (HasMetadata o : objects) {
      byId.put(
          o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(), o);
    }
    return byId;
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
