package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import io.squall.http.HttpSettings;
import io.squall.persistence.Replication;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the node's configuration: {@code application.conf}, then the environment variables that
 * HOCON's {@code ${?VAR}} cannot express (lists, and a log level Akka spells its own way).
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load() {
    return withEnvironment(System.getenv(), ConfigFactory.load());
  }

  /**
   * A command's configuration ({@code squall journal}, {@code squall schema}): the node's, with a
   * local actor system that joins no cluster, fails fast when Cassandra cannot be reached, and
   * leaves the JVM to the command; then {@code overrides}.
   */
  static Config forCommand(String... overrides) {
    return ConfigFactory.parseString(String.join("\n", overrides))
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "akka.actor.provider = local",
                    "akka.loglevel = WARNING",
                    "akka.coordinated-shutdown.exit-jvm = off",
                    "datastax-java-driver.advanced.reconnect-on-init = false")))
        .withFallback(load());
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
    result = withDataCenters(result, env);
    result = withLogLevel(result, env);
    result = withEventFormat(result, env);
    checkLogSettings(env);
    checkPorts(result);
    return result;
  }

  /**
   * The ports set by environment variables, checked before the actor system starts: Akka reads its
   * own two while it starts and would stop with a stack trace that names neither variable.
   */
  private static void checkPorts(Config config) {
    HttpSettings.port(config, "squall.http.port", "SQUALL_HTTP_PORT");
    HttpSettings.port(config, "akka.management.http.port", "SQUALL_MANAGEMENT_PORT");
    HttpSettings.port(config, "akka.remote.artery.canonical.port", "SQUALL_REMOTE_PORT");
  }

  /**
   * {@code SQUALL_LOG_LEVEL}, which sets Logback's root level, sets Akka's own {@code
   * akka.loglevel} too, so Akka does not drop what Logback would print: Logback's {@code WARN} is
   * Akka's {@code WARNING}, {@code TRACE} is {@code DEBUG}.
   */
  private static Config withLogLevel(Config config, Map<String, String> env) {
    String value = env.get("SQUALL_LOG_LEVEL");
    if (value == null || value.isBlank()) {
      return config;
    }
    String akka =
        switch (value.trim().toUpperCase(Locale.ROOT)) {
          case "TRACE", "DEBUG" -> "DEBUG";
          case "INFO" -> "INFO";
          case "WARN" -> "WARNING";
          case "ERROR" -> "ERROR";
          case "OFF" -> "OFF";
          default -> throw notALevel("SQUALL_LOG_LEVEL", value);
        };
    return config.withValue("akka.loglevel", ConfigValueFactory.fromAnyRef(akka));
  }

  /**
   * {@code SQUALL_EVENT_FORMAT}: {@code compact} (the default) writes readings events and the
   * {@code Record} commands between nodes in Squall's compact format; {@code cbor} writes them in
   * Jackson CBOR, which builds before the compact format read: the first step of a rolling upgrade
   * from those builds (docs/operations.md#upgrades). Both formats are read either way.
   */
  private static Config withEventFormat(Config config, Map<String, String> env) {
    String value = env.get("SQUALL_EVENT_FORMAT");
    if (value == null || value.isBlank() || value.equals("compact")) {
      return config;
    }
    if (!value.equals("cbor")) {
      throw new ConfigException.BadValue(
          "SQUALL_EVENT_FORMAT", "'" + value + "' is neither compact nor cbor (lower case)");
    }
    Config result = config;
    for (String type :
        List.of(
            "io.squall.persistence.Device$ReadingsRecorded",
            "io.squall.persistence.Device$Record")) {
      result =
          result.withValue(
              ConfigUtil.joinPath("akka", "actor", "serialization-bindings", type),
              ConfigValueFactory.fromAnyRef("jackson-cbor"));
    }
    return result;
  }

  /**
   * Logback reads {@code SQUALL_LOG_FORMAT} and {@code SQUALL_ACCESS_LOG} itself and would take a
   * wrong value silently (no log at all, or DEBUG): the node refuses to start on one instead.
   */
  private static void checkLogSettings(Map<String, String> env) {
    String format = env.get("SQUALL_LOG_FORMAT");
    if (format != null && !List.of("text", "json").contains(format)) {
      throw new ConfigException.BadValue(
          "SQUALL_LOG_FORMAT", "'" + format + "' is neither text nor json (lower case)");
    }
    String access = env.get("SQUALL_ACCESS_LOG");
    if (access != null && !LEVELS.contains(access.toUpperCase(Locale.ROOT))) {
      throw notALevel("SQUALL_ACCESS_LOG", access);
    }
  }

  private static final List<String> LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private static ConfigException notALevel(String variable, String value) {
    return new ConfigException.BadValue(
        variable, "'" + value + "' is not a level: TRACE, DEBUG, INFO, WARN, ERROR or OFF");
  }

  /**
   * {@code SQUALL_CASSANDRA_DATA_CENTERS} ({@code dc1:3,dc2:3}): every keyspace Squall creates is
   * replicated with NetworkTopologyStrategy, so many replicas in each data center.
   */
  private static Config withDataCenters(Config config, Map<String, String> env) {
    String value = env.get("SQUALL_CASSANDRA_DATA_CENTERS");
    if (value == null || value.isBlank()) {
      return config;
    }
    Config result = config;
    for (String store : List.of("journal", "snapshot")) {
      String path = "akka.persistence.cassandra." + store;
      result =
          withList(
                  result,
                  env,
                  "SQUALL_CASSANDRA_DATA_CENTERS",
                  path + ".data-center-replication-factors")
              .withValue(
                  path + ".replication-strategy",
                  ConfigValueFactory.fromAnyRef(Replication.NETWORK_TOPOLOGY));
    }
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
