package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorSystem;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.NoOffset;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.query.TimeBasedUUID;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import io.squall.persistence.DeviceSettings;
import io.squall.projections.internal.CassandraAggregatesRepository;
import io.squall.sharding.IngestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag a slice reports, on the fan-out's shape: many devices with one event each, written in
 * bursts, so that events of a slice share the millisecond of the offset they are counted from.
 */
class SliceLagIT {
  private static final int DEVICES = 1_500;

  @Test
  void shouldCountEventsAfterAnOffsetAndReportNoLagOnceEveryReadingIsFolded(@TempDir Path dir)
      throws Exception {
    Config config = AggregatesIT.world("it_slice_lag");
    Path lines = dir.resolve("fan.jsonl");
    StringBuilder json = new StringBuilder();
    Map<String, Long> accounted = new HashMap<>();
    for (int d = 0; d < DEVICES; d++) {
      String device = String.format("lag-%05d", d);
      json.append("{\"device\":\"")
          .append(device)
          .append("\",\"timestamp\":\"2024-01-01T00:00:00Z\",\"metrics\":{\"temperature\":")
          .append(d % 400 / 10.0)
          .append("}}\n");
      accounted.put(device, 1L);
    }
    Files.writeString(lines, json, StandardCharsets.UTF_8);

    try (IngestNode node = IngestNode.start(config, null)) {
      ActorSystem<?> system = node.testKit.system();
      CassandraSession session =
          CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
      ProjectionSettings settings = ProjectionSettings.create(config);
      AggregatesProjection projection =
          AggregatesProjection.init(
                  system,
                  settings,
                  new CassandraAggregatesRepository(session, settings.keyspace()),
                  session)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      node.load(lines);
      node.awaitAccounted(accounted, Duration.ofMinutes(3));

      // Counted from any event of a slice, exactly the events after it: never the event itself,
      // never one written in the same millisecond before it.
      JournalSliceProgress progress =
          new JournalSliceProgress(
              system, new SliceHighWater(session, settings.keyspace()), Duration.ofSeconds(30));
      int withEvents = 0;
      int checked = 0;
      for (int slice = 0; slice < settings.slices(); slice++) {
        List<UUID> offsets = offsets(system, slice);
        if (offsets.isEmpty()) {
          continue;
        }
        withEvents++;
        for (int k = 0; k < offsets.size(); k += Math.max(1, offsets.size() / 7)) {
          long after =
              progress
                  .eventsAfter(slice, Optional.of(offsets.get(k)), 100_000)
                  .toCompletableFuture()
                  .get(60, TimeUnit.SECONDS)
                  .events();
          assertEquals(
              offsets.size() - 1 - k,
              after,
              "events of " + DeviceSettings.tag(slice) + " after its event " + k);
          checked++;
        }
      }
      assertEquals(true, checked >= settings.slices(), "offsets checked: " + checked);

      // Once the tables hold every reading, every slice reports nothing left to fold, although
      // events-by-tag handed some delayed events over after newer ones.
      IngestNode.await(
          Duration.ofMinutes(2),
          () -> dailyCount(session, settings.keyspace()) == DEVICES,
          "the daily table counts every reading");
      IngestNode.await(
          Duration.ofSeconds(30),
          () -> get(projection.status()).get(0).slices().stream().allMatch(l -> l.lagEvents() == 0),
          "every slice reports lag 0");
      List<ProjectionLag.SliceLag> lags = get(projection.status()).get(0).slices();
      assertEquals(withEvents, lags.size(), "slices reported: " + lags);
    }
  }

  private static long dailyCount(CassandraSession session, String keyspace) {
    return get(session.selectAll("SELECT count FROM " + keyspace + ".daily_aggregates_v1")).stream()
        .mapToLong(row -> row.getLong("count"))
        .sum();
  }

  /** The offsets of every event of {@code slice}'s tag, in the journal's order. */
  private static List<UUID> offsets(ActorSystem<?> system, int slice) throws Exception {
    CassandraReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    return new ArrayList<>(
        journal
            .currentEventsByTag(DeviceSettings.tag(slice), NoOffset.getInstance())
            .map(envelope -> ((TimeBasedUUID) envelope.offset()).value())
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS));
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
