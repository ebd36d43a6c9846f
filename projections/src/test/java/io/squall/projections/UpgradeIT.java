package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceJournal;
import io.squall.persistence.Reading;
import io.squall.sharding.IngestNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An installation of the build with events-by-tag: its journal (events with tags) replays, its
 * aggregate tables of the earlier layout keep answering, and a rebuild moves it to the new layout.
 */
class UpgradeIT {
  private static final List<String> DEVICES = List.of("upgrade-a", "upgrade-b");
  private static final LocalDate DAY = LocalDate.of(2008, 7, 4);

  /** What the earlier build journaled for a device: three events, tagged with its slice. */
  private static Behavior<Device.ReadingsRecorded> taggedJournal(String deviceId) {
    return new EventSourcedBehavior<Device.ReadingsRecorded, Device.ReadingsRecorded, Integer>(
        Device.persistenceId(deviceId)) {
      @Override
      public Integer emptyState() {
        return 0;
      }

      @Override
      public CommandHandler<Device.ReadingsRecorded, Device.ReadingsRecorded, Integer>
          commandHandler() {
        return (state, event) -> Effect().persist(event);
      }

      @Override
      public EventHandler<Integer, Device.ReadingsRecorded> eventHandler() {
        return (state, event) -> state + 1;
      }

      @Override
      public Set<String> tagsFor(Device.ReadingsRecorded event) {
        return Set.of("slice-" + Math.floorMod(deviceId.hashCode(), 16));
      }
    };
  }

  private static List<Device.ReadingsRecorded> events(String deviceId) {
    List<Device.ReadingsRecorded> events = new ArrayList<>();
    for (int event = 0; event < 3; event++) {
      List<Reading> readings = new ArrayList<>();
      for (int hour = event * 8; hour < event * 8 + 8; hour++) {
        readings.add(
            new Reading(
                deviceId,
                Instant.parse("2008-07-04T00:00:00Z").plusSeconds(3_600L * hour),
                Map.of("temperature", 10.0 + hour)));
      }
      events.add(new Device.ReadingsRecorded(1, deviceId, readings, 0, "", -1));
    }
    return events;
  }

  @Test
  void shouldReplayATaggedJournalAndMoveTheEarlierTablesByARebuild() throws Exception {
    Config config =
        AggregatesIT.world(
            "it_upgrade",
            "squall.projections.version-check-interval = 500ms",
            "squall.projections.drop-retired-after = 1s");
    ProjectionSettings settings = ProjectionSettings.create(config);
    String keyspace = settings.keyspace();

    // the earlier build: tagged events, a versions table without layout, a row per metric
    Config tagged =
        ConfigFactory.parseString(
                "akka.persistence.cassandra.events-by-tag.enabled = true\n"
                    + "akka.persistence.cassandra.events-by-tag.first-time-bucket ="
                    + " \"20261126T00:00\"")
            .withFallback(config);
    ActorTestKit earlier = ActorTestKit.create("UpgradeITEarlier", tagged);
    try {
      for (String device : DEVICES) {
        ActorRef<Device.ReadingsRecorded> journal = earlier.spawn(taggedJournal(device));
        for (Device.ReadingsRecorded event : events(device)) {
          journal.tell(event);
        }
        IngestNode.await(
            Duration.ofSeconds(30),
            () -> journaled(earlier, device) == 3,
            "the earlier build journaled " + device + "'s events");
        earlier.stop(journal, Duration.ofSeconds(30));
      }
      CassandraSession session =
          CassandraSessionRegistry.get(earlier.system())
              .sessionFor(CassandraSessionSettings.create());
      for (String cql :
          List.of(
              "CREATE KEYSPACE IF NOT EXISTS "
                  + keyspace
                  + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
              "CREATE TABLE "
                  + keyspace
                  + ".projection_versions (projection text PRIMARY KEY, current int, building int)",
              "INSERT INTO "
                  + keyspace
                  + ".projection_versions (projection, current) VALUES ('aggregates', 1)",
              "CREATE TABLE "
                  + keyspace
                  + ".daily_aggregates_v1 (device_id text, metric text, year int, date date,"
                  + " count bigint, min double, max double, sum double, sum_sq double,"
                  + " last_seq bigint, PRIMARY KEY ((device_id, metric, year), date))",
              "CREATE TABLE "
                  + keyspace
                  + ".monthly_aggregates_v1 (device_id text, metric text, month text,"
                  + " count bigint, min double, max double, sum double, sum_sq double,"
                  + " last_seq bigint, PRIMARY KEY ((device_id, metric), month))",
              // what the earlier build had folded: the first two events of device a
              "INSERT INTO "
                  + keyspace
                  + ".daily_aggregates_v1 (device_id, metric, year, date, count, min, max, sum,"
                  + " sum_sq, last_seq) VALUES ('upgrade-a', 'temperature', 2008, '2008-07-04', 16,"
                  + " 10.0, 25.0, 280.0, 5240.0, 2)")) {
        session.executeDDL(cql).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      earlier.shutdownTestKit();
    }

    try (ProjectedNode projected = ProjectedNode.start(config)) {
      IngestNode node = projected.node;
      AggregatesProjection projection = projected.projection;
      Aggregates aggregates = projection.aggregates();
      assertTrue(projection.versions().state().legacy(), "serving the earlier layout");
      assertEquals(
          new Aggregate(16, 10.0, 25.0, 280.0, 5240.0),
          day(aggregates, "upgrade-a"),
          "the earlier tables keep answering");

      for (String device : DEVICES) {
        Device.Summary summary = node.device(device);
        assertEquals(24, summary.readings(), "the tagged journal replays: " + summary);
      }

      assertEquals(2, projection.rebuild().toCompletableFuture().get(30, TimeUnit.SECONDS));
      IngestNode.await(
          Duration.ofMinutes(2), () -> aggregates.version() == 2, "reads switched to version 2");
      assertFalse(projection.versions().state().legacy(), "the new layout serves");
      for (String device : DEVICES) {
        assertEquals(
            new Aggregate(24, 10.0, 33.0, 516.0, 12_244.0),
            day(aggregates, device),
            "every event of " + device + " in version 2");
      }
      IngestNode.await(
          Duration.ofSeconds(60),
          () -> !projected.tableExists("daily_aggregates_v1"),
          "the earlier layout's tables are dropped");
    }
  }

  private static int journaled(ActorTestKit testKit, String device) {
    try {
      return DeviceJournal.events(testKit.system(), device, null, null)
          .runWith(Sink.seq(), testKit.system())
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .size();
    } catch (Exception e) {
      return -1;
    }
  }

  private static Aggregate day(Aggregates aggregates, String device) throws Exception {
    List<AggregateRow> rows =
        aggregates
            .daily(device, "temperature", DAY, DAY)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return rows.isEmpty() ? null : rows.get(0).aggregate();
  }
}
