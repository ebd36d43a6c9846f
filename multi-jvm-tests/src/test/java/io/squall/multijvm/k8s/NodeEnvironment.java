package io.squall.multijvm.k8s;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment Kubernetes gives a container of a render, and the node configuration that
 * environment resolves to: what a pod's node would actually run with, without starting one.
 */
public final class NodeEnvironment {
  static final String POD_IP = "10.244.1.17";
  static final String POD_NAME = "squall-5d8f7c9b4-x2k7q";

  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Config APPLICATION =
      ConfigFactory.parseResourcesAnySyntax("application")
          .withFallback(ConfigFactory.defaultReferenceUnresolved());

  private NodeEnvironment() {}

  /**
   * As the kubelet builds it for a pod of {@code owner}: envFrom first, then env in order, a {@code
   * $(VAR)} expanded only from what is defined before it; a Secret's variable is left unset.
   */
  static Map<String, String> of(Container container, HasMetadata owner, List<HasMetadata> objects) {
    return of(container, owner, objects, POD_NAME, POD_IP);
  }

  /**
   * As {@link #of(Container, HasMetadata, List)}, in the pod named {@code podName} at {@code
   * podIp}.
   */
  public static Map<String, String> of(
      Container container,
      HasMetadata owner,
      List<HasMetadata> objects,
      String podName,
      String podIp) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : container.getEnvFrom()) {
      env.putAll(configMap(objects, source.getConfigMapRef().getName()).getData());
    }
    for (EnvVar variable : container.getEnv()) {
      EnvVarSource from = variable.getValueFrom();
      if (from == null) {
        env.put(variable.getName(), expand(variable.getValue(), env));
      } else if (from.getFieldRef() != null) {
        env.put(
            variable.getName(), field(from.getFieldRef().getFieldPath(), owner, podName, podIp));
      } else if (from.getSecretKeyRef() == null) {
        throw new IllegalArgumentException(variable.getName() + ": unsupported valueFrom " + from);
      }
    }
    return env;
  }

  private static String field(String path, HasMetadata owner, String podName, String podIp) {
    String namespace = owner.getMetadata().getNamespace();
    return switch (path) {
      case "status.podIP" -> podIp;
      case "metadata.name" -> podName;
      case "metadata.namespace" -> namespace == null ? "default" : namespace;
      default -> throw new IllegalArgumentException("unexpected fieldRef " + path);
    };
  }

  /** The node's configuration ({@code application.conf} and every library's reference) with env. */
  static Config nodeConfig(Map<String, String> env) {
    Config config =
        ConfigFactory.parseMap(env)
            .withFallback(APPLICATION)
            .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    for (String variable : env.keySet()) {
      config = config.withoutPath(ConfigUtil.joinPath(variable));
    }
    return config;
  }

  /** Whether setting {@code variable} changes the node's configuration at all. */
  static boolean configReads(String variable, Map<String, String> env) {
    Map<String, String> without = new HashMap<>(env);
    without.remove(variable);
    Map<String, String> with = new HashMap<>(without);
    with.put(variable, "probe-" + variable);
    return !nodeConfig(with).equals(nodeConfig(without));
  }

  static ConfigMap configMap(List<HasMetadata> objects, String name) {
    return objects.stream()
        .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(name))
        .map(ConfigMap.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + name + " in the render"));
  }

  private static String expand(String value, Map<String, String> defined) {
    Matcher reference = REFERENCE.matcher(value);
    StringBuilder expanded = new StringBuilder();
    while (reference.find()) {
      String replacement = defined.getOrDefault(reference.group(1), reference.group());
      reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
    }
    return reference.appendTail(expanded).toString();
  }
}
