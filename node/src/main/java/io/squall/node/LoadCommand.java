package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code squall load FILE...}: produces readings files into the readings topic. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Sends every line of each FILE (ISD-lite CSV or JSON lines; plain, .gz or .zip) to the readings topic, keyed by device id, with a progress bar and a summary. Bad lines are sent too: the consumer puts them in the dead-letter topic with their reason.")
final class LoadCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "readings files")
  List<Path> files;

  @Option(
      names = "--topic",
      paramLabel = "TOPIC",
      description = "the topic to send to (default: SQUALL_READINGS_TOPIC, else readings)")
  String topic;

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka (default: SQUALL_KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
  String bootstrapServer;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new ParameterException(spec.commandLine(), "no such file: " + file);
      }
    }
    Config config = NodeConfig.load();
    if (bootstrapServer != null) {
      config =
          config.withValue(
              "squall.kafka.bootstrap-servers", ConfigValueFactory.fromAnyRef(bootstrapServer));
    }
    IngestSettings settings = IngestSettings.create(config);
    String target = topic != null ? topic : settings.topic();
    try {
      Topics.ensure(settings, List.of(target));
      ReadingsLoader.Summary summary =
          ReadingsLoader.load(files, settings.kafka(), target, System.err);
      System.out.printf(
          "Loaded %,d records (%,.1f MB read) into topic %s in %.1f s: %,.0f records/s%n",
          summary.records(),
          summary.bytes() / 1e6,
          target,
          summary.elapsed().toMillis() / 1e3,
          summary.recordsPerSecond());
      return 0;
    } catch (IOException | RuntimeException e) {
      spec.commandLine()
          .getErr()
          .println(
              "squall load: "
                  + e.getMessage()
                  + "\nCheck that Kafka runs at "
                  + settings.bootstrapServers()
                  + " (--bootstrap-server or SQUALL_KAFKA_BOOTSTRAP_SERVERS).");
      return 1;
    }
  }
}
