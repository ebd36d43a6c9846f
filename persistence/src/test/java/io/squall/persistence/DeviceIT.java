package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.javadsl.Sink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The sharded Device entity on the real Cassandra journal, with a year of a real station. */
class DeviceIT {
  private static final String STATION = "725030:14732";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int BATCH = 500;

  private final Config config =
      LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(LocalInfra.uniqueName("it_device")));

  private ActorTestKit startNode() {
    ActorTestKit node = ActorTestKit.create("DeviceIT", config);
    LocalInfra.joinSelf(node.system());
    Device.init(node.system(), DeviceProjection.NONE);
    return node;
  }

  private static EntityRef<Device.Command> device(ActorTestKit node) {
    return ClusterSharding.get(node.system()).entityRefFor(Device.ENTITY_KEY, STATION);
  }

  private static Device.Recorded sendAll(ActorTestKit node, List<Reading> readings)
      throws Exception {
    int recorded = 0;
    int duplicates = 0;
    for (int from = 0; from < readings.size(); from += BATCH) {
      List<Reading> batch = readings.subList(from, Math.min(from + BATCH, readings.size()));
      Device.Recorded answer =
          device(node)
              .<Device.Recorded>askWithStatus(
                  replyTo -> new Device.Record(List.copyOf(batch), Device.Origin.NONE, replyTo),
                  TIMEOUT)
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      recorded += answer.recorded();
      duplicates += answer.duplicates();
    }
    return new Device.Recorded(recorded, duplicates, 0);
  }

  private static Device.Summary summary(ActorTestKit node) throws Exception {
    return device(node)
        .<Device.Summary>askWithStatus(Device.GetState::new, TIMEOUT)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** For each metric, its value at the latest timestamp that has it: computed from the file. */
  private static Map<String, Double> latestOf(List<Reading> readings) {
    Map<String, Instant> when = new HashMap<>();
    Map<String, Double> latest = new TreeMap<>();
    for (Reading reading : readings) {
      reading
          .metrics()
          .forEach(
              (metric, value) -> {
                Instant seen = when.get(metric);
                if (seen == null || reading.timestamp().isAfter(seen)) {
                  when.put(metric, reading.timestamp());
                  latest.put(metric, value);
                }
              });
    }
    return latest;
  }

  @Test
  void shouldRecoverAYearOfAStationFromTheJournalAndIgnoreItWhenResent() throws Exception {
    List<Reading> year = NoaaFile.readings(NoaaFile.bundled("ny-2008.csv.gz"));
    assertEquals(8_784, year.size());

    ActorTestKit first = startNode();
    Device.Summary recorded;
    try {
      assertEquals(new Device.Recorded(8_784, 0, 0), sendAll(first, year));
      recorded = summary(first);
    } finally {
      first.shutdownTestKit();
    }
    assertEquals(8_784, recorded.readings());
    assertEquals(0, recorded.duplicates());
    assertEquals(Instant.parse("2008-01-01T00:00:00Z"), recorded.first());
    assertEquals(Instant.parse("2008-12-31T23:00:00Z"), recorded.last());
    assertEquals(latestOf(year), recorded.latest());

    ActorTestKit second = startNode();
    try {
      assertEquals(recorded, summary(second), "the new ActorSystem recovers the same state");

      assertEquals(new Device.Recorded(0, 8_784, 0), sendAll(second, year));
      Device.Summary resent = summary(second);
      assertEquals(8_784, resent.readings());
      assertEquals(8_784, resent.duplicates());
      assertEquals(recorded.latest(), resent.latest(), "the first reading wins");

      List<DeviceJournal.Entry> journal =
          DeviceJournal.events(second.system(), STATION, null, null)
              .runWith(Sink.seq(), second.system())
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      List<Reading> journaled = new ArrayList<>();
      int duplicates = 0;
      for (int i = 0; i < journal.size(); i++) {
        assertEquals(i + 1, journal.get(i).sequenceNr(), "in sequence order");
        Device.ReadingsRecorded event = (Device.ReadingsRecorded) journal.get(i).event();
        journaled.addAll(event.readings());
        duplicates += event.duplicates();
      }
      assertEquals(year, journaled, "the journal holds each reading once, as sent, in order");
      assertEquals(8_784, duplicates);

      ObjectMapper json = new ObjectMapper();
      JsonNode line = json.readTree(DeviceJournal.toJson(journal.get(0)));
      assertEquals(1, line.get("sequenceNr").asLong());
      assertEquals("ReadingsRecorded", line.get("type").asText());
      assertEquals(STATION, line.get("event").get("deviceId").asText());
      assertEquals(
          "2008-01-01T00:00:00Z",
          line.get("event").get("readings").get(0).get("timestamp").asText());
    } finally {
      second.shutdownTestKit();
    }
  }
}
