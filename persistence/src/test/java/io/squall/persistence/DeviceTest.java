package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import com.typesafe.config.Config;
import io.squall.persistence.testing.InMemoryPersistence;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceTest {
  private static final String ID = "725030:14732";
  private static ActorTestKit testKit;
  private static DeviceSettings settings;
  private EventSourcedBehaviorTestKit<Device.Command, Device.Event, Device.State> device;

  @BeforeAll
  static void start() {
    Config config = InMemoryPersistence.config();
    testKit = ActorTestKit.create("DeviceTest", config);
    settings = DeviceSettings.create(config);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    device =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), Device.create(ID, settings, DeviceProjection.NONE));
  }

  private static Reading reading(String timestamp, double temperature) {
    return new Reading(ID, Instant.parse(timestamp), Map.of("temperature", temperature));
  }

  private CommandResultWithReply<
          Device.Command, Device.Event, Device.State, StatusReply<Device.Recorded>>
      record(Device.Origin origin, Reading... readings) {
    return device.runCommand(replyTo -> new Device.Record(List.of(readings), origin, replyTo));
  }

  private CommandResultWithReply<
          Device.Command, Device.Event, Device.State, StatusReply<Device.Recorded>>
      record(Reading... readings) {
    return record(Device.Origin.NONE, readings);
  }

  private Device.Summary summary() {
    return device.<StatusReply<Device.Summary>>runCommand(Device.GetState::new).reply().getValue();
  }

  @Test
  void shouldRecordNewReadingsInOneEventAndAnswerWithTheCounts() {
    var result = record(reading("2008-01-01T00:00:00Z", 5.0), reading("2008-01-01T01:00:00Z", 4.4));

    assertEquals(new Device.Recorded(2, 0, 0), result.reply().getValue());
    Device.ReadingsRecorded event = result.eventOfType(Device.ReadingsRecorded.class);
    assertEquals(2, event.readings().size());
    assertEquals(Device.ReadingsRecorded.CURRENT_VERSION, event.version());
    Device.Summary summary = summary();
    assertEquals(2, summary.readings());
    assertEquals(Instant.parse("2008-01-01T00:00:00Z"), summary.first());
    assertEquals(Instant.parse("2008-01-01T01:00:00Z"), summary.last());
    assertEquals(Map.of("temperature", 4.4), summary.latest());
  }

  @Test
  void shouldIgnoreADuplicateWithinTheSameBatchKeepingTheFirst() {
    var result = record(reading("2008-01-01T00:00:00Z", 5.0), reading("2008-01-01T00:00:00Z", 9.9));

    assertEquals(new Device.Recorded(1, 1, 0), result.reply().getValue());
    assertEquals(
        5.0,
        result
            .eventOfType(Device.ReadingsRecorded.class)
            .readings()
            .get(0)
            .metrics()
            .get("temperature"));
    assertEquals(1, summary().duplicates());
  }

  @Test
  void shouldIgnoreADuplicateSentInALaterBatch() {
    record(reading("2008-01-01T00:00:00Z", 5.0));

    var result = record(reading("2008-01-01T00:00:00Z", 7.0), reading("2008-01-01T02:00:00Z", 3.0));

    assertEquals(new Device.Recorded(1, 1, 0), result.reply().getValue());
    Device.Summary summary = summary();
    assertEquals(2, summary.readings());
    assertEquals(1, summary.duplicates());
  }

  @Test
  void shouldIgnoreDuplicateReadingWhenResentYearsLater() {
    record(reading("2008-03-01T06:00:00Z", 5.0));
    for (int year = 2009; year <= 2014; year++) {
      record(reading(year + "-03-01T06:00:00Z", year));
    }

    var result = record(reading("2008-03-01T06:00:00Z", 99.0));

    assertEquals(new Device.Recorded(0, 1, 0), result.reply().getValue());
    assertTrue(result.eventOfType(Device.ReadingsRecorded.class).readings().isEmpty());
    Device.Summary summary = summary();
    assertEquals(7, summary.readings());
    assertEquals(1, summary.duplicates());
    assertEquals(Map.of("temperature", 2014.0), summary.latest());
  }

  @Test
  void shouldPersistNothingForAnEmptyBatch() {
    var result = record();

    assertEquals(new Device.Recorded(0, 0, 0), result.reply().getValue());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void shouldKeepTheLatestValueOfEachMetricByTimestampNotByArrival() {
    record(
        new Reading(
            ID,
            Instant.parse("2008-06-01T12:00:00Z"),
            Map.of("temperature", 20.0, "pressure", 1010.0)));
    record(
        new Reading(
            ID,
            Instant.parse("2008-06-01T11:00:00Z"),
            Map.of("temperature", 18.0, "dewpoint", 9.0)));

    Device.Summary summary = summary();

    assertEquals(
        Map.of("temperature", 20.0, "pressure", 1010.0, "dewpoint", 9.0), summary.latest());
    assertEquals(Instant.parse("2008-06-01T11:00:00Z"), summary.first());
  }

  @Test
  void shouldChangeNothingWhenKafkaRedeliversARecordAlreadyApplied() {
    Device.Origin first = new Device.Origin("readings-3", List.of(10L, 11L));
    record(first, reading("2008-01-01T00:00:00Z", 5.0), reading("2008-01-01T01:00:00Z", 4.0));

    // after a crash the consumer re-reads from offset 10: two redelivered records and a new one
    Device.Origin again = new Device.Origin("readings-3", List.of(10L, 11L, 12L));
    var result =
        record(
            again,
            reading("2008-01-01T00:00:00Z", 5.0),
            reading("2008-01-01T01:00:00Z", 4.0),
            reading("2008-01-01T02:00:00Z", 3.0));

    assertEquals(new Device.Recorded(1, 0, 2), result.reply().getValue());
    Device.Summary summary = summary();
    assertEquals(3, summary.readings());
    assertEquals(0, summary.duplicates(), "a redelivery is not a duplicate");
    assertEquals(12L, result.state().appliedOffsets().get("readings-3"));
  }

  @Test
  void shouldRecordANewTimestampEvenWhenItsOffsetIsBelowTheHighestApplied() {
    record(new Device.Origin("readings-3", List.of(20L)), reading("2008-01-01T05:00:00Z", 5.0));

    // an earlier record that failed and was retried after a later one: still new data
    var result =
        record(new Device.Origin("readings-3", List.of(12L)), reading("2008-01-01T04:00:00Z", 4.0));

    assertEquals(new Device.Recorded(1, 0, 0), result.reply().getValue());
    assertEquals(2, summary().readings());
    assertEquals(20L, result.state().appliedOffsets().get("readings-3"));
  }

  @Test
  void shouldTreatTheSameRecordTwiceInOneBatchAsARedelivery() {
    // after a rebalance a consumer can hand the same records on twice before they are committed
    Device.Origin twice = new Device.Origin("readings-4", List.of(7L, 8L, 7L, 8L, 9L));
    var result =
        record(
            twice,
            reading("2008-01-01T00:00:00Z", 5.0),
            reading("2008-01-01T01:00:00Z", 4.0),
            reading("2008-01-01T00:00:00Z", 5.0),
            reading("2008-01-01T01:00:00Z", 4.0),
            reading("2008-01-01T01:00:00Z", 6.0));

    assertEquals(new Device.Recorded(2, 1, 2), result.reply().getValue());
    assertEquals(1, summary().duplicates(), "only offset 9 is a real duplicate");
  }

  @Test
  void shouldNotPersistABatchThatIsEntirelyRedelivered() {
    record(new Device.Origin("readings-0", List.of(5L)), reading("2008-01-01T00:00:00Z", 5.0));

    var result =
        record(new Device.Origin("readings-0", List.of(5L)), reading("2008-01-01T00:00:00Z", 5.0));

    assertEquals(new Device.Recorded(0, 0, 1), result.reply().getValue());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void shouldRejectAReadingOfAnotherDevice() {
    var result = record(new Reading("other", Instant.parse("2008-01-01T00:00:00Z"), Map.of()));

    assertTrue(result.reply().isError());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void shouldAnswerAnEmptyStateForADeviceThatNeverRecorded() {
    Device.Summary summary = summary();

    assertEquals(0, summary.readings());
    assertNull(summary.first());
    assertEquals(Map.of(), summary.latest());
  }

  @Test
  void shouldRecoverTheSameStateAfterARestart() {
    record(new Device.Origin("readings-1", List.of(0L)), reading("2008-01-01T00:00:00Z", 5.0));
    record(reading("2008-01-01T00:00:00Z", 6.0), reading("2008-01-01T01:00:00Z", 6.0));
    Device.Summary before = summary();

    device.restart();

    assertEquals(before, summary());
    var result = record(reading("2008-01-01T01:00:00Z", 1.0));
    assertEquals(new Device.Recorded(0, 1, 0), result.reply().getValue(), "the index survived");
  }
}
