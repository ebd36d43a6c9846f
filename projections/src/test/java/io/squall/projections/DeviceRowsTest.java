package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.pattern.StatusReply;
import akka.persistence.query.PersistenceQuery;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import com.typesafe.config.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceSettings;
import io.squall.persistence.DeviceTenure;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.InMemoryPersistence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Device writing its own rows (on Akka's in-memory journal, rows in a fake repository): when it
 * answers, what it reads, and how its rows survive failures, replays and rebuilds.
 */
class DeviceRowsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static ActorTestKit testKit;
  private static DeviceSettings settings;
  private static PersistenceTestKitReadJournal journal;
  private static int devices;

  private FakeAggregatesRepository repository;
  private AtomicReference<ProjectionVersions.State> versions;
  private DeviceRowsWriter.Context context;
  private String id;
  private ActorRef<Device.Command> device;
  private AtomicInteger journalQueries;

  @BeforeAll
  static void start() {
    Config config = InMemoryPersistence.config();
    testKit = ActorTestKit.create("DeviceRowsTest", config);
    DeviceSettings defaults = DeviceSettings.create(config);
    settings =
        new DeviceSettings(
            3, defaults.keepSnapshots(), Duration.ofMillis(50), Duration.ofMillis(200));
    journal =
        PersistenceQuery.get(Adapter.toClassic(testKit.system()))
            .getReadJournalFor(
                PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    repository = new FakeAggregatesRepository();
    versions = new AtomicReference<>(new ProjectionVersions.State(1, OptionalInt.empty(), false));
    journalQueries = new AtomicInteger();
    context =
        new DeviceRowsWriter.Context(
            repository,
            versions::get,
            (persistenceId, from, to) -> {
              journalQueries.incrementAndGet();
              return journal.currentEventsByPersistenceId(persistenceId, from, to);
            },
            new RowMeters(new SimpleMeterRegistry(), Clock.systemUTC()),
            new RowCache(DeviceTenure.get(testKit.system()), 10_000, new SimpleMeterRegistry()));
    id = "station-" + ++devices;
    device = spawn();
  }

  private ActorRef<Device.Command> spawn() {
    return testKit.spawn(
        Device.create(
            id,
            settings,
            new DeviceRows(testKit.system(), CompletableFuture.completedFuture(context))));
  }

  private Reading reading(String timestamp, double temperature) {
    return new Reading(
        id, Instant.parse(timestamp), Map.of("temperature", temperature, "wind_speed", 1.0));
  }

  private TestProbe<StatusReply<Device.Recorded>> send(Reading... readings) {
    TestProbe<StatusReply<Device.Recorded>> probe = testKit.createTestProbe();
    device.tell(new Device.Record(List.of(readings), Device.Origin.NONE, probe.ref()));
    return probe;
  }

  private Device.Recorded record(Reading... readings) {
    return send(readings).receiveMessage(WAIT).getValue();
  }

  private Device.Summary summary() {
    TestProbe<StatusReply<Device.Summary>> probe = testKit.createTestProbe();
    device.tell(new Device.GetState(probe.ref()));
    return probe.receiveMessage(WAIT).getValue();
  }

  private Aggregate day(int version, String date) {
    PeriodRow row = repository.rows(version, id).get(new Period.Day(LocalDate.parse(date)));
    return row == null ? null : row.metrics().get("temperature");
  }

  private Aggregate month(int version, String month) {
    PeriodRow row = repository.rows(version, id).get(new Period.Month(YearMonth.parse(month)));
    return row == null ? null : row.metrics().get("temperature");
  }

  @Test
  void shouldAnswerOnlyOnceTheEventsRowsAreDurable() {
    CompletableFuture<Done> rowsWritten = new CompletableFuture<>();
    repository.holdNextSave = rowsWritten;

    TestProbe<StatusReply<Device.Recorded>> probe =
        send(reading("2008-01-01T00:00:00Z", 5.0), reading("2008-01-01T01:00:00Z", 3.0));

    probe.expectNoMessage(Duration.ofMillis(300));
    rowsWritten.complete(Done.getInstance());
    assertEquals(new Device.Recorded(2, 0, 0), probe.receiveMessage(WAIT).getValue());
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), day(1, "2008-01-01"));
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), month(1, "2008-01"));
    assertEquals(List.of(id), List.copyOf(repository.devices), "a new device is known");
  }

  @Test
  void shouldReadNoRowForItsFirstEventNorForRowsItHolds() {
    record(reading("2008-01-01T00:00:00Z", 5.0));
    assertEquals(0, repository.rowsRead.get(), "a device's first event reads nothing");
    record(reading("2008-01-01T01:00:00Z", 6.0));
    record(reading("2008-02-01T00:00:00Z", 7.0));
    assertEquals(0, repository.rowsRead.get(), "rows it wrote itself, or of new periods");

    testKit.stop(device);
    device = spawn();
    summary();
    int afterRecovery = repository.rowsRead.get();
    assertEquals(2, afterRecovery, "the recovery reads the last event's day and month");
    record(reading("2008-01-01T02:00:00Z", 4.0));
    assertEquals(
        afterRecovery + 2,
        repository.rowsRead.get(),
        "an earlier day and month it does not hold are read");
    record(reading("2008-03-05T00:00:00Z", 1.0));
    assertEquals(afterRecovery + 2, repository.rowsRead.get(), "a new day of a new month is not");
    assertEquals(new Aggregate(3, 4.0, 6.0, 15.0, 77.0), day(1, "2008-01-01"));
    assertEquals(new Aggregate(3, 4.0, 6.0, 15.0, 77.0), month(1, "2008-01"));
  }

  @Test
  void shouldRecoverFromASnapshotWithoutReadingTheJournalWhenTheRowsHoldTheLastEvent() {
    record(reading("2008-01-01T00:00:00Z", 5.0));
    record(reading("2008-01-02T00:00:00Z", 1.0));
    record(reading("2008-01-31T23:00:00Z", 3.0)); // the third event is snapshotted
    int queries = journalQueries.get();

    testKit.stop(device);
    device = spawn();

    assertEquals(3, summary().readings());
    assertEquals(queries, journalQueries.get(), "the rows of its days told: nothing to read back");
    assertEquals(new Aggregate(3, 1.0, 5.0, 9.0, 35.0), month(1, "2008-01"));
  }

  @Test
  void shouldLeaveEveryRowAsItWasWhenTheJournalIsProjectedAgain() throws Exception {
    for (int hour = 0; hour < 30; hour += 3) {
      record(
          reading(
              Instant.parse("2008-01-31T12:00:00Z").plusSeconds(3_600L * hour).toString(), hour),
          reading(
              Instant.parse("2008-01-31T13:00:00Z").plusSeconds(3_600L * hour).toString(), -hour));
    }
    Map<Period, PeriodRow> before = repository.snapshot(1, id);
    DeviceRowsWriter writer = new DeviceRowsWriter(testKit.system(), id, context);

    writer.reproject(1, 1, 10).toCompletableFuture().get(5, TimeUnit.SECONDS);
    writer.reproject(1, 6, 10).toCompletableFuture().get(5, TimeUnit.SECONDS);
    writer.reproject(1, 10, 10).toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertEquals(before, repository.snapshot(1, id));
    assertEquals(10, before.get(new Period.Month(YearMonth.of(2008, 2))).lastSeq());
    assertEquals(
        8,
        before.get(new Period.Month(YearMonth.of(2008, 1))).metrics().get("temperature").count());
  }

  @Test
  void shouldRestartAndRepairItsRowsWhenARowWriteFails() {
    record(reading("2008-01-01T00:00:00Z", 5.0));
    repository.failNextSave = new IllegalStateException("Cassandra timed out");

    TestProbe<StatusReply<Device.Recorded>> probe = send(reading("2008-01-01T01:00:00Z", 3.0));

    probe.expectNoMessage(Duration.ofMillis(500));
    // restarted, recovered, and the last event re-projected before it answers anything
    assertEquals(2, summary().readings());
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), day(1, "2008-01-01"));
    assertEquals(new Device.Recorded(0, 1, 0), record(reading("2008-01-01T01:00:00Z", 3.0)));
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), day(1, "2008-01-01"), "counted once");
  }

  @Test
  void shouldRepairTheRowsOfAnEventJournaledJustBeforeACrash() {
    record(reading("2008-01-01T00:00:00Z", 5.0));
    record(reading("2008-01-02T00:00:00Z", 1.0));
    repository.holdNextSave = new CompletableFuture<>(); // the row write never lands
    // the third event is also snapshotted: the recovery replays nothing and reads it back
    send(reading("2008-01-01T01:00:00Z", 3.0)).expectNoMessage(Duration.ofMillis(300));
    assertEquals(new Aggregate(1, 5.0, 5.0, 5.0, 25.0), day(1, "2008-01-01"));

    testKit.stop(device);
    device = spawn();

    assertEquals(3, summary().readings());
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), day(1, "2008-01-01"));
    assertEquals(new Aggregate(3, 1.0, 5.0, 9.0, 35.0), month(1, "2008-01"));
  }

  @Test
  void shouldRebuildItsJournalIntoANewVersionThenWriteBoth() {
    for (int day = 1; day <= 7; day++) {
      record(
          reading("2008-01-0" + day + "T00:00:00Z", day),
          reading("2008-01-0" + day + "T12:00:00Z", -day));
    }
    versions.set(new ProjectionVersions.State(1, OptionalInt.of(2), false));
    record(reading("2008-01-08T00:00:00Z", 8.0));
    assertTrue(repository.snapshot(2, id).isEmpty(), "not rebuilt yet: nothing in version 2");

    TestProbe<StatusReply<Long>> rebuilt = testKit.createTestProbe();
    device.tell(new Device.Rebuild(2, rebuilt.ref()));
    assertEquals(8L, rebuilt.receiveMessage(WAIT).getValue(), "events replayed");
    assertEquals(repository.snapshot(1, id), repository.snapshot(2, id));

    record(reading("2008-01-08T01:00:00Z", 9.0));
    assertEquals(repository.snapshot(1, id), repository.snapshot(2, id), "then both are written");
    assertEquals(new Aggregate(2, 8.0, 9.0, 17.0, 145.0), day(2, "2008-01-08"));

    versions.set(new ProjectionVersions.State(2, OptionalInt.empty(), false));
    record(reading("2008-01-08T02:00:00Z", 10.0));
    assertEquals(new Aggregate(3, 8.0, 10.0, 27.0, 245.0), day(2, "2008-01-08"));
    assertEquals(new Aggregate(2, 8.0, 9.0, 17.0, 145.0), day(1, "2008-01-08"), "retired");
  }

  @Test
  void shouldMarkANewDeviceRebuiltAndWriteBothVersionsDuringARebuild() {
    versions.set(new ProjectionVersions.State(1, OptionalInt.of(2), false));

    record(reading("2008-01-01T00:00:00Z", 5.0));

    assertEquals(0L, repository.rebuilt.get(2).get(id));
    assertNotNull(day(2, "2008-01-01"));
    assertEquals(repository.snapshot(1, id), repository.snapshot(2, id));
  }

  @Test
  void shouldNotFoldAnEventWhoseJournalWriteFailedIntoTheRowsOfTheRecovery() {
    record(reading("2008-01-01T00:00:00Z", 1.0));
    record(reading("2008-01-01T01:00:00Z", 2.0));
    record(reading("2008-01-01T02:00:00Z", 3.0)); // the third event is snapshotted
    PersistenceTestKit.create(testKit.system()).failNextPersisted();

    // applied in memory, never written: Akka recovers the same entity from the snapshot
    send(reading("2008-01-02T03:00:00Z", 4.0)).expectNoMessage(Duration.ofMillis(500));
    assertEquals(new Device.Recorded(1, 0, 0), record(reading("2008-01-02T03:00:00Z", 4.0)));

    assertEquals(new Aggregate(3, 1.0, 3.0, 6.0, 14.0), day(1, "2008-01-01"));
    assertEquals(new Aggregate(1, 4.0, 4.0, 4.0, 16.0), day(1, "2008-01-02"), "counted once");
    assertEquals(new Aggregate(4, 1.0, 4.0, 10.0, 30.0), month(1, "2008-01"), "counted once");
  }

  @Test
  void shouldWriteTheVersionItWasRebuiltIntoThoughItsNodeHasNotSeenTheRebuildYet() {
    record(reading("2008-01-01T00:00:00Z", 5.0));

    TestProbe<StatusReply<Long>> rebuilt = testKit.createTestProbe();
    device.tell(new Device.Rebuild(2, rebuilt.ref()));
    assertEquals(1L, rebuilt.receiveMessage(WAIT).getValue());
    record(reading("2008-01-01T01:00:00Z", 3.0));

    assertEquals(repository.snapshot(1, id), repository.snapshot(2, id));
    assertEquals(new Aggregate(2, 3.0, 5.0, 8.0, 34.0), day(2, "2008-01-01"));
  }

  @Test
  void shouldCatchUpAVersionWhoseRebuildMarkIsBehindItsJournal() throws Exception {
    record(reading("2008-01-01T00:00:00Z", 1.0));
    record(reading("2008-01-01T01:00:00Z", 2.0));
    record(reading("2008-01-01T02:00:00Z", 3.0));
    testKit.stop(device);
    // an earlier incarnation's replay that ended late: version 2 holds the first event only
    new DeviceRowsWriter(testKit.system(), id, context)
        .rebuild(2, 1)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertEquals(new Aggregate(1, 1.0, 1.0, 1.0, 1.0), day(2, "2008-01-01"));
    versions.set(new ProjectionVersions.State(1, OptionalInt.of(2), false));

    device = spawn();
    record(reading("2008-01-01T03:00:00Z", 4.0));

    assertEquals(repository.snapshot(1, id), repository.snapshot(2, id));
    assertEquals(new Aggregate(4, 1.0, 4.0, 10.0, 30.0), day(2, "2008-01-01"));
  }

  @Test
  void shouldAnswerWhatItWasWritingBeforeItStopsForSharding() {
    CompletableFuture<Done> rowsWritten = new CompletableFuture<>();
    repository.holdNextSave = rowsWritten;
    TestProbe<StatusReply<Device.Recorded>> probe = send(reading("2008-01-01T00:00:00Z", 5.0));
    TestProbe<Object> watcher = testKit.createTestProbe();

    device.tell(new Device.Stop()); // passivation or a hand-off, while the rows are being written
    rowsWritten.complete(Done.getInstance());

    assertEquals(new Device.Recorded(1, 0, 0), probe.receiveMessage(WAIT).getValue());
    watcher.expectTerminated(device, WAIT);
  }
}
