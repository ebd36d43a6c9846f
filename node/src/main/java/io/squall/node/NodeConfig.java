package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads the node's configuration: {@code application.conf}, then the environment variables whose
 * values are lists, which HOCON's {@code ${?VAR}} cannot express.
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load() {
    return withEnvironment(System.getenv(), ConfigFactory.load());
  }

  static Config withEnvironment(Map<String, String> env, Config config) {
    Config result = config;
    result =
        withList(
            result,
            env,
            "SQUALL_CASSANDRA_CONTACT_POINTS",
            "datastax-java-driver.basic.contact-points");
    result = withList(result, env, "SQUALL_SEED_NODES", "akka.cluster.seed-nodes");
    return result;
  }

  private static Config withList(
      Config config, Map<String, String> env, String variable, String path) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return config;
    }
    List<String> items =
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return config.withValue(path, ConfigValueFactory.fromIterable(items));
  }
}
