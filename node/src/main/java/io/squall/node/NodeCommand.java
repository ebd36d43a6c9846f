package io.squall.node;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code squall node}: one node, configured by the environment, until it is stopped. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Runs one Squall node: joins its cluster, consumes the readings topic, keeps the device entities and the aggregates projection, and serves the API. It is configured by environment variables (SQUALL_KAFKA_BOOTSTRAP_SERVERS, SQUALL_CASSANDRA_CONTACT_POINTS, SQUALL_HTTP_PORT, ...; see README.md) and runs until SIGTERM or Ctrl-C.")
final class NodeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    // Akka's coordinated shutdown exits the JVM itself, with its own code, once the node stops
    Main.start().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
