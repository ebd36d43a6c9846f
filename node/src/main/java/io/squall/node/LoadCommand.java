package io.squall.node;

import com.typesafe.config.Config;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.ReadingsLoader;
import io.squall.sharding.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code squall load FILE...}: produces readings files into the readings topic. */
final class LoadCommand {
  static final String USAGE =
      String.join(
          "\n",
          "usage: squall load FILE... [--topic TOPIC]",
          "",
          "Sends every line of each FILE (ISD-lite CSV or JSON lines; plain, .gz or .zip) to the",
          "readings topic, keyed by device id, with a progress bar and a summary. Bad lines are",
          "sent too: the consumer puts them in the dead-letter topic with their reason.",
          "Kafka and the topic come from SQUALL_KAFKA_BOOTSTRAP_SERVERS and SQUALL_READINGS_TOPIC.");

  private LoadCommand() {}

  static int run(String[] args) {
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    List<Path> files = new ArrayList<>();
    String topic = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.println(USAGE);
          return 0;
        }
        case "--topic" -> {
          if (++i >= args.length) {
            System.err.println("squall load: --topic needs a name\n\n" + USAGE);
            return 2;
          }
          topic = args[i];
        }
        default -> files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty()) {
      System.err.println("squall load: which files?\n\n" + USAGE);
      return 2;
    }
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        System.err.println("squall load: no such file: " + file);
        return 2;
      }
    }
    Config config = NodeConfig.load();
    IngestSettings settings = IngestSettings.create(config);
    String target = topic != null ? topic : settings.topic();
    try {
      Topics.ensure(settings, List.of(target));
      ReadingsLoader.Summary summary =
          ReadingsLoader.load(files, settings.bootstrapServers(), target, System.err);
      System.out.printf(
          "Loaded %,d records (%,.1f MB read) into topic %s in %.1f s: %,.0f records/s%n",
          summary.records(),
          summary.bytes() / 1e6,
          target,
          summary.elapsed().toMillis() / 1e3,
          summary.recordsPerSecond());
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "squall load: "
              + e.getMessage()
              + "\nCheck that Kafka runs at "
              + settings.bootstrapServers()
              + " (SQUALL_KAFKA_BOOTSTRAP_SERVERS).");
      return 1;
    }
  }
}
