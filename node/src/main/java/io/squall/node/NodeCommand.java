package io.squall.node;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code squall node}: one node, configured by the environment, until it is stopped. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Runs one Squall node: joins its cluster, consumes the readings topic, keeps the device entities and the aggregates projection, and serves the API. It is configured by environment variables (SQUALL_KAFKA_BOOTSTRAP_SERVERS, SQUALL_CASSANDRA_CONTACT_POINTS, SQUALL_HTTP_PORT, ...; see docs/configuration.md) and runs until SIGTERM or Ctrl-C.")
final class NodeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws InterruptedException {
    Main.start();
    // the node never returns: Akka's coordinated shutdown exits the JVM with the code its reason
    // calls for (0 on SIGTERM, -1 when the cluster downed it, 1 when it could not start)
    new CountDownLatch(1).await();
    return 0;
  }
}
