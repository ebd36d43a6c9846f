package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.query.Sequence;
import akka.persistence.query.TimeBasedUUID;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.testkit.javadsl.ProjectionTestKit;
import akka.projection.testkit.javadsl.TestProjection;
import akka.projection.testkit.javadsl.TestSourceProvider;
import akka.stream.javadsl.Source;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AggregatesHandlerTest {
  private static final String DEVICE = "725030:14732";
  private static ActorTestKit testKit;
  private static ProjectionTestKit projections;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("AggregatesHandlerTest");
    projections = ProjectionTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Reading reading(String at, double temperature, double precipitation) {
    return new Reading(
        DEVICE,
        Instant.parse(at),
        Map.of("temperature", temperature, "precipitation_1h", precipitation));
  }

  private static EventEnvelope<Device.Event> envelope(long sequenceNr, Reading... readings) {
    Device.Event event =
        new Device.ReadingsRecorded(1, DEVICE, List.of(readings), 0, "readings-0", sequenceNr);
    return EventEnvelope.create(
        Sequence.apply(sequenceNr), "Device|" + DEVICE, sequenceNr, event, 0L);
  }

  /** Runs the handler over {@code groups} with the projection testkit until the last is applied. */
  private static void project(
      FakeAggregatesRepository repository, List<List<EventEnvelope<Device.Event>>> groups) {
    TestSourceProvider<Sequence, List<EventEnvelope<Device.Event>>> source =
        TestSourceProvider.create(
            Source.from(groups), group -> (Sequence) group.get(group.size() - 1).offset());
    TestProjection<Sequence, List<EventEnvelope<Device.Event>>> projection =
        TestProjection.create(
            ProjectionId.of("aggregates-test", "slice-0"),
            source,
            () -> new AggregatesHandler(repository, 1, new KeptHighWater()));
    projections.run(
        projection, () -> assertEquals(groups.size(), countProcessed(repository, groups)));
  }

  /** A high water kept in memory: what was recorded, in order, and how often it was cleared. */
  private static final class KeptHighWater implements AggregatesHandler.HighWater {
    final List<UUID> recorded = new ArrayList<>();
    int cleared;

    @Override
    public CompletableFuture<Done> record(UUID offset) {
      recorded.add(offset);
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletableFuture<Done> clear() {
      cleared++;
      return CompletableFuture.completedFuture(Done.getInstance());
    }
  }

  /** A journal offset {@code millis} into a fixed second. */
  private static UUID offsetAt(long millis) {
    return com.datastax.oss.driver.api.core.uuid.Uuids.startOf(1_700_000_000_000L + millis);
  }

  private static EventEnvelope<Device.Event> tagged(long sequenceNr, UUID offset) {
    Device.Event event =
        new Device.ReadingsRecorded(
            1,
            DEVICE,
            List.of(reading("2008-01-01T00:00:00Z", sequenceNr, 0.0)),
            0,
            "readings-0",
            sequenceNr);
    return EventEnvelope.create(
        new TimeBasedUUID(offset), "Device|" + DEVICE, sequenceNr, event, 0L);
  }

  @Test
  void shouldClearTheHighWaterOnStartAndRecordItOnlyWhenAGroupEndsOnAnOlderEvent()
      throws Exception {
    KeptHighWater kept = new KeptHighWater();
    AggregatesHandler handler = new AggregatesHandler(new FakeAggregatesRepository(), 1, kept);
    List<UUID> recorded = kept.recorded;

    // a (re)started handler forgets the high water: its slice resumes from the stored offset
    handler.start().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(1, kept.cleared);

    // in the journal's order: the stored offset is the newest folded, nothing to record
    handler
        .process(List.of(tagged(1, offsetAt(10)), tagged(2, offsetAt(20))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(), recorded);

    // a delayed event (older offset) ends the group: the newest folded offset is recorded
    handler
        .process(List.of(tagged(3, offsetAt(30)), tagged(4, offsetAt(25))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(offsetAt(30)), recorded);

    // another delayed one alone: the high water has not moved, it is not written again
    handler
        .process(List.of(tagged(5, offsetAt(15))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(offsetAt(30)), recorded);

    // back in order past the high water: the stored offset is enough again
    handler
        .process(List.of(tagged(6, offsetAt(40))))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(List.of(offsetAt(30)), recorded);
  }

  private static int countProcessed(
      FakeAggregatesRepository repository, List<List<EventEnvelope<Device.Event>>> groups) {
    long highest =
        groups.stream().flatMap(List::stream).mapToLong(EventEnvelope::sequenceNr).max().orElse(0);
    boolean done = repository.table(1).values().stream().anyMatch(row -> row.lastSeq() == highest);
    return done ? groups.size() : -1;
  }

  private static final List<List<EventEnvelope<Device.Event>>> GROUPS =
      List.of(
          List.of(
              envelope(
                  1,
                  reading("2008-01-01T00:00:00Z", 5.0, 0.0),
                  reading("2008-01-01T01:00:00Z", 3.0, 1.5)),
              envelope(2, reading("2008-01-01T02:00:00Z", 4.0, 0.5))),
          List.of(
              envelope(
                  3,
                  reading("2008-01-02T00:00:00Z", -1.0, 2.0),
                  reading("2008-02-01T00:00:00Z", 7.0, 0.0))));

  @Test
  void shouldFoldAnEventToTheVeryBitsOfFoldingItsReadingsOneByOne() {
    java.util.Random random = new java.util.Random(42);
    List<Reading> readings = new ArrayList<>();
    Instant at = Instant.parse("2008-01-30T00:00:00Z");
    for (int i = 0; i < 2_000; i++) {
      readings.add(
          reading(
              at.plusSeconds(3_600L * i).toString(),
              (random.nextDouble() - 0.5) * 80,
              random.nextDouble() * 0.3));
    }
    Map<AggregateRow.Key, Aggregate> oneByOne = new HashMap<>();
    for (Reading r : readings) {
      LocalDate day = LocalDate.ofInstant(r.timestamp(), java.time.ZoneOffset.UTC);
      r.metrics()
          .forEach(
              (metric, value) -> {
                oneByOne.merge(
                    new AggregateRow.Day(DEVICE, metric, day),
                    Aggregate.of(value),
                    Aggregate::plus);
                oneByOne.merge(
                    new AggregateRow.Month(DEVICE, metric, YearMonth.from(day)),
                    Aggregate.of(value),
                    Aggregate::plus);
              });
    }

    Map<AggregateRow.Key, Aggregate> folded = new HashMap<>();
    AggregatesHandler.contributions(List.of(envelope(7, readings.toArray(Reading[]::new))))
        .forEach((key, bySequence) -> folded.put(key, bySequence.get(7L)));

    assertEquals(oneByOne, folded);
  }

  @Test
  void shouldFoldReadingsIntoDailyAndMonthlyRows() {
    FakeAggregatesRepository repository = new FakeAggregatesRepository();

    project(repository, GROUPS);

    Map<AggregateRow.Key, AggregateRow> rows = repository.table(1);
    AggregateRow firstDay =
        rows.get(new AggregateRow.Day(DEVICE, "temperature", LocalDate.of(2008, 1, 1)));
    assertEquals(new Aggregate(3, 3.0, 5.0, 12.0, 50.0), firstDay.aggregate());
    assertEquals(2, firstDay.lastSeq());
    assertEquals(4.0, firstDay.aggregate().mean());
    assertEquals(Math.sqrt(2.0 / 3.0), firstDay.aggregate().stdev(), 1e-12);
    AggregateRow january =
        rows.get(new AggregateRow.Month(DEVICE, "temperature", YearMonth.of(2008, 1)));
    assertEquals(new Aggregate(4, -1.0, 5.0, 11.0, 51.0), january.aggregate());
    assertEquals(3, january.lastSeq());
    assertEquals(
        new Aggregate(1, 7.0, 7.0, 7.0, 49.0),
        rows.get(new AggregateRow.Month(DEVICE, "temperature", YearMonth.of(2008, 2))).aggregate());
    assertEquals(3 * 2 + 2 * 2, rows.size(), "3 days and 2 months, 2 metrics each");
  }

  @Test
  void shouldLeaveEveryRowAsItWasWhenTheSameEventsAreReplayed() {
    FakeAggregatesRepository repository = new FakeAggregatesRepository();
    project(repository, GROUPS);
    Map<AggregateRow.Key, AggregateRow> before = new HashMap<>(repository.table(1));

    project(repository, GROUPS);
    List<List<EventEnvelope<Device.Event>>> overlapping = new ArrayList<>();
    overlapping.add(List.of(GROUPS.get(0).get(1), GROUPS.get(1).get(0)));
    project(repository, overlapping);

    assertEquals(before, repository.table(1));
  }

  @Test
  void shouldApplyOnlyTheEventsARowHasNotSeenWhenAReplayOverlaps() {
    FakeAggregatesRepository repository = new FakeAggregatesRepository();
    project(repository, List.of(GROUPS.get(0)));

    List<List<EventEnvelope<Device.Event>>> replay = new ArrayList<>();
    replay.add(List.of(GROUPS.get(0).get(1), GROUPS.get(1).get(0)));
    project(repository, replay);

    AggregateRow january =
        repository
            .table(1)
            .get(new AggregateRow.Month(DEVICE, "temperature", YearMonth.of(2008, 1)));
    assertEquals(4, january.aggregate().count(), "event 2 counted once");
  }

  @Test
  void shouldRankDaysByTheChosenFigureWithTiesToTheEarlierDate() {
    List<AggregateRow> days =
        List.of(
            day("2008-03-01", new Aggregate(2, 1.0, 4.0, 5.0, 17.0)),
            day("2008-03-02", new Aggregate(1, 9.0, 9.0, 9.0, 81.0)),
            day("2008-01-15", new Aggregate(5, 1.0, 1.0, 5.0, 5.0)),
            day("2008-02-10", new Aggregate(2, 0.0, 2.0, 2.0, 4.0)));

    assertEquals(
        List.of(
            new Aggregates.Ranked(LocalDate.parse("2008-03-02"), 9.0),
            new Aggregates.Ranked(LocalDate.parse("2008-01-15"), 5.0),
            new Aggregates.Ranked(LocalDate.parse("2008-03-01"), 5.0)),
        Aggregates.top(days, 3, Aggregates.Figure.SUM));
    assertEquals(
        LocalDate.parse("2008-03-02"),
        Aggregates.top(days, 1, Aggregates.Figure.MIN).get(0).date());
    List<Aggregates.Ranked> byMean = Aggregates.top(days, 4, Aggregates.Figure.MEAN);
    assertEquals(2.5, byMean.get(1).value());
    assertEquals(LocalDate.parse("2008-01-15"), byMean.get(2).date(), "1.0 twice: earlier first");
  }

  private static AggregateRow day(String date, Aggregate aggregate) {
    return new AggregateRow(
        new AggregateRow.Day(DEVICE, "temperature", LocalDate.parse(date)), aggregate, 1);
  }
}
