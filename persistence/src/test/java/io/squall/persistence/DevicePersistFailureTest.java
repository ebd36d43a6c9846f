package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.Config;
import io.squall.persistence.testing.InMemoryPersistence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A journal write that fails (a Cassandra timeout) must lose nothing: the entity restarts, the
 * caller retries, and the retried readings are recorded as new — before and after a snapshot.
 */
class DevicePersistFailureTest {
  private static final String TOPIC_PARTITION = "readings-0";
  private static ActorTestKit testKit;
  private static DeviceSettings settings;
  private static PersistenceTestKit journal;
  private static int devices;

  private String id;
  private ActorRef<Device.Command> device;

  @BeforeAll
  static void start() {
    Config config = InMemoryPersistence.config();
    testKit = ActorTestKit.create("DevicePersistFailureTest", config);
    DeviceSettings defaults = DeviceSettings.create(config);
    // snapshots every 3 events, so one case fails a write after a snapshot was taken
    settings =
        new DeviceSettings(
            3, defaults.keepSnapshots(), Duration.ofMillis(50), Duration.ofMillis(200));
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    journal.clearAll();
    id = "station-" + ++devices;
    device = testKit.spawn(Device.create(id, settings, DeviceProjection.NONE));
  }

  private Reading reading(int hour) {
    return new Reading(
        id,
        Instant.parse("2008-01-01T00:00:00Z").plusSeconds(3_600L * hour),
        Map.of("t", (double) hour));
  }

  private Device.Record record(TestProbe<StatusReply<Device.Recorded>> probe, int hour) {
    return new Device.Record(
        List.of(reading(hour)),
        new Device.Origin(TOPIC_PARTITION, List.of((long) hour)),
        probe.ref());
  }

  private Device.Recorded recordAndAwait(int hour) {
    TestProbe<StatusReply<Device.Recorded>> probe = testKit.createTestProbe();
    device.tell(record(probe, hour));
    return probe.receiveMessage(Duration.ofSeconds(5)).getValue();
  }

  private Device.Summary summary() {
    TestProbe<StatusReply<Device.Summary>> probe = testKit.createTestProbe();
    device.tell(new Device.GetState(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(5)).getValue();
  }

  @ParameterizedTest(name = "after {0} recorded batches")
  @ValueSource(ints = {1, 4})
  void shouldRecordReadingsRetriedAfterAFailedJournalWrite(int before) {
    for (int hour = 0; hour < before; hour++) {
      assertEquals(new Device.Recorded(1, 0, 0), recordAndAwait(hour));
    }

    journal.failNextPersisted();
    TestProbe<StatusReply<Device.Recorded>> failed = testKit.createTestProbe();
    device.tell(record(failed, before));
    failed.expectNoMessage(Duration.ofMillis(300));

    // the consumer asks again with the same record
    assertEquals(new Device.Recorded(1, 0, 0), recordAndAwait(before));
    Device.Summary summary = summary();
    assertEquals(before + 1, summary.readings());
    assertEquals(0, summary.duplicates());
    assertEquals(reading(before).timestamp(), summary.last());
  }
}
