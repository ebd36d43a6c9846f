package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceJournal;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code squall journal}, run as its own process, prints exactly the events the entity persisted.
 */
class JournalCommandIT {
  private static final String STATION = "724940:23234";

  @Test
  void shouldPrintExactlyThePersistedEventsAsJsonLinesInOrder() throws Exception {
    String keyspace = LocalInfra.uniqueName("it_journal_cli");
    Config config = LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(keyspace));
    List<Reading> january = NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 744);
    List<String> expected;
    ActorTestKit node = ActorTestKit.create("JournalCommandIT", config);
    try {
      LocalInfra.joinSelf(node.system());
      Device.init(node.system(), DeviceProjection.NONE);
      var device = ClusterSharding.get(node.system()).entityRefFor(Device.ENTITY_KEY, STATION);
      for (int day = 0; day < 31; day++) {
        List<Reading> batch = january.subList(day * 24, day * 24 + 24);
        device
            .<Device.Recorded>askWithStatus(
                replyTo -> new Device.Record(List.copyOf(batch), Device.Origin.NONE, replyTo),
                Duration.ofSeconds(30))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
      }
      expected =
          DeviceJournal.events(node.system(), STATION, null, null)
              .map(DeviceJournal::toJson)
              .runWith(Sink.seq(), node.system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } finally {
      node.shutdownTestKit();
    }
    assertEquals(31, expected.size(), "one event per batch");

    List<String> printed = journal(keyspace, STATION);
    assertEquals(expected.size(), printed.size(), "lines printed");
    for (int i = 0; i < expected.size(); i++) {
      assertTrue(expected.get(i).equals(printed.get(i)), "line " + (i + 1) + " is the event");
    }

    Instant future = Instant.now().plus(Duration.ofDays(1));
    assertEquals(List.of(), journal(keyspace, STATION, "--from", future.toString()));
  }

  private static List<String> journal(String keyspace, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("journal", ".jsonl");
    List<String> command = new java.util.ArrayList<>(List.of("journal"));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(TestNode.cli(command.toArray(String[]::new)))
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("SQUALL_JOURNAL_KEYSPACE", keyspace + "_journal");
    builder
        .environment()
        .put("SQUALL_CASSANDRA_CONTACT_POINTS", LocalInfra.cassandraContactPoint());
    Process process = builder.start();
    assertEquals(true, process.waitFor(120, TimeUnit.SECONDS), "squall journal finished");
    assertEquals(0, process.exitValue(), "squall journal's exit code");
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return lines;
  }
}
