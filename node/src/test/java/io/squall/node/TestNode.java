package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Configuration of a whole node for tests and benchmarks: free ports, no management, and topics,
 * consumer group and keyspaces of its own on the build's Kafka and Cassandra.
 */
final class TestNode {
  /** An API token with every scope, known to every test node of this JVM. */
  static final String TOKEN = ApiTokens.newToken();

  private static final Path TOKENS = tokensFile();

  private TestNode() {}

  private static Path tokensFile() {
    try {
      Path file = Files.createTempFile("squall-test-tokens", "");
      file.toFile().deleteOnExit();
      Files.writeString(file, ApiTokens.line(TOKEN, EnumSet.allOf(Scope.class), "tests") + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code squall ARGS} as its own JVM on the tests' classpath, as {@code bin/squall} runs it. */
  static List<String> cli(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Cli.class.getResource("/logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                Cli.class.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** What a command run as its own process printed, and its exit code. */
  record Ran(int exitCode, String out, String err) {}

  /**
   * {@code squall ARGS} as its own process ({@link #cli}), its environment this one's as {@code
   * environment} edits it, as a user would configure it; it must end within two minutes.
   */
  static Ran run(Consumer<Map<String, String>> environment, String... args) throws Exception {
    Path out = Files.createTempFile("squall", ".out");
    Path err = Files.createTempFile("squall", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(cli(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
      environment.accept(builder.environment());
      Process process = builder.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("squall " + String.join(" ", args) + " did not end in 120 s");
      }
      return new Ran(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  static Config config(String name, String... overrides) {
    String topic = LocalInfra.uniqueName(name);
    return ConfigFactory.parseString(String.join("\n", overrides))
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "squall.http.port = 0",
                    "squall.http.auth.tokens-file = \"" + TOKENS + "\"",
                    "squall.cluster.management = off",
                    "akka.remote.artery.canonical.port = 0",
                    "akka.coordinated-shutdown.exit-jvm = off",
                    "squall.kafka.bootstrap-servers = \""
                        + LocalInfra.kafkaBootstrapServers()
                        + "\"",
                    "squall.ingest.topic = " + topic,
                    "squall.ingest.dead-letter-topic = " + topic + ".dead-letter",
                    "squall.ingest.group-id = " + topic,
                    "squall.projections.keyspace = " + topic + "_aggr")))
        .withFallback(LocalInfra.cassandraPersistence(topic))
        .withFallback(ConfigFactory.load())
        .resolve();
  }
}
