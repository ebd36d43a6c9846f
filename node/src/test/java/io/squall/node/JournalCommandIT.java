package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.Device;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code squall journal}, run as its own process, prints every reading the device was sent, once
 * and in order, as the bundled file has it (read by the test's own {@link NoaaFile}).
 */
class JournalCommandIT {
  private static final String STATION = "724940:23234";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldPrintEveryReadingSentOnceInOrderWithItsTimeAndValues() throws Exception {
    String keyspace = LocalInfra.uniqueName("it_journal_cli");
    Config config = LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(keyspace));
    List<Reading> january = NoaaFile.readings(NoaaFile.bundled("sf-2008.csv.gz")).subList(0, 744);
    assertEquals(
        january.size(),
        january.stream().map(Reading::timestamp).distinct().count(),
        "each reading sent is at a time of its own, so none is a duplicate");
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
    } finally {
      node.shutdownTestKit();
    }

    List<String> printed = journal(keyspace, STATION);
    assertEquals(31, printed.size(), "one line per batch sent:\n" + String.join("\n", printed));
    List<Reading> shown = readingsShown(printed);
    assertEquals(january.size(), shown.size(), "readings printed");
    for (int i = 0; i < january.size(); i++) {
      assertEquals(january.get(i), shown.get(i), "reading " + (i + 1) + " of the file");
    }

    Instant future = Instant.now().plus(Duration.ofDays(1));
    assertEquals(List.of(), journal(keyspace, STATION, "--from", future.toString()));
  }

  /**
   * The readings that {@code printed} lines show, in the order printed, each as its device, time
   * and metric values; each line an event of {@link #STATION} numbered from 1, with no duplicates.
   */
  private static List<Reading> readingsShown(List<String> printed) throws IOException {
    List<Reading> shown = new ArrayList<>();
    for (int i = 0; i < printed.size(); i++) {
      String where = "line " + (i + 1) + ": " + printed.get(i);
      JsonNode line = JSON.readTree(printed.get(i));
      assertEquals(i + 1, line.path("sequenceNr").asLong(), where);
      assertEquals("ReadingsRecorded", line.path("type").asText(), where);
      JsonNode event = line.path("event");
      assertEquals(STATION, event.path("deviceId").asText(), where);
      assertEquals(0, event.path("duplicates").asInt(-1), where);
      assertTrue(event.path("readings").isArray(), where);
      for (JsonNode reading : event.path("readings")) {
        Map<String, Double> metrics = new HashMap<>();
        reading
            .path("metrics")
            .fields()
            .forEachRemaining(
                metric -> {
                  assertTrue(metric.getValue().isNumber(), where);
                  metrics.put(metric.getKey(), metric.getValue().asDouble());
                });
        shown.add(
            new Reading(
                reading.path("deviceId").asText(),
                Instant.parse(reading.path("timestamp").asText()),
                metrics));
      }
    }
    return shown;
  }

  private static List<String> journal(String keyspace, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("journal", ".jsonl");
    List<String> command = new ArrayList<>(List.of("journal"));
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
