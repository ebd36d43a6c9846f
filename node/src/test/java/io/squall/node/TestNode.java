package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.testing.LocalInfra;

/**
 * Configuration of a whole node for tests and benchmarks: free ports, no management, and topics,
 * consumer group and keyspaces of its own on the build's Kafka and Cassandra.
 */
final class TestNode {
  private TestNode() {}

  /** {@code squall ARGS} as its own JVM on the tests' classpath, as {@code bin/squall} runs it. */
  static java.util.List<String> cli(String... args) {
    java.util.List<String> command =
        new java.util.ArrayList<>(
            java.util.List.of(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Cli.class.getResource("/logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                Cli.class.getName()));
    command.addAll(java.util.List.of(args));
    return command;
  }

  static Config config(String name, String... overrides) {
    String topic = LocalInfra.uniqueName(name);
    return ConfigFactory.parseString(String.join("\n", overrides))
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "squall.http.port = 0",
                    "squall.cluster.management = off",
                    "akka.remote.artery.canonical.port = 0",
                    "akka.coordinated-shutdown.exit-jvm = off",
                    "squall.kafka.bootstrap-servers = \""
                        + LocalInfra.kafkaBootstrapServers()
                        + "\"",
                    "squall.ingest.topic = " + topic,
                    "squall.ingest.dead-letter-topic = " + topic + ".dead-letter",
                    "squall.ingest.group-id = " + topic,
                    "squall.projections.keyspace = " + topic + "_aggr",
                    "akka.projection.cassandra.offset-store.keyspace = " + topic + "_offsets")))
        .withFallback(LocalInfra.cassandraPersistence(topic))
        .withFallback(ConfigFactory.load())
        .resolve();
  }
}
