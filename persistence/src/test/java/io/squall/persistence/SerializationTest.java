package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.javadsl.Adapter;
import akka.pattern.StatusReply;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.internal.SeenTimestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every command, reply and snapshot type round-trips through Jackson CBOR, readings (the journal's
 * event, the Record command) through their own compact format, never Java serialization; events
 * journaled in CBOR earlier still read.
 */
class SerializationTest {
  /** Akka's id of its Jackson CBOR serializer, as events journaled with it carry it. */
  private static final int JACKSON_CBOR_ID = 33;

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "SerializationTest",
            ConfigFactory.parseResources("serialization.conf").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Serialization serialization() {
    return SerializationExtension.get(Adapter.toClassic(testKit.system()));
  }

  private static Object roundTrip(Object value) {
    return roundTrip(value, "JacksonCborSerializer");
  }

  private static Object roundTrip(Object value, String expectedSerializer) {
    Serialization serialization = serialization();
    byte[] bytes = serialization.serialize(value).get();
    var serializer = serialization.findSerializerFor(value);
    assertEquals(
        expectedSerializer,
        serializer.getClass().getSimpleName(),
        "serializer of " + value.getClass());
    return serialization
        .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value))
        .get();
  }

  private static final Reading READING =
      new Reading(
          "725030:14732",
          Instant.parse("2008-01-01T00:00:00Z"),
          Map.of("temperature", 5.0, "dewpoint", -3.9));

  @Test
  void shouldRoundTripEveryCommand() {
    TestProbe<StatusReply<Device.Recorded>> recorded = testKit.createTestProbe();
    TestProbe<StatusReply<Device.Summary>> summary = testKit.createTestProbe();
    Instant at = READING.timestamp().plusSeconds(1);
    Reading strayDevice = new Reading("722020:12839", at, Map.of("temperature", 1.0));
    List<Object> readingsCommands =
        List.of(
            new Device.Record(
                List.of(READING, new Reading(READING.deviceId(), at, Map.of("wind_speed", 2.5))),
                new Device.Origin("readings-2", List.of(42L, 40L)),
                recorded.getRef()),
            new Device.Record(
                List.of(strayDevice),
                new Device.Origin("readings-3", List.of(7L)),
                recorded.getRef()),
            new Device.Record(List.of(), Device.Origin.NONE, recorded.getRef()));
    for (Object command : readingsCommands) {
      assertEquals(command, roundTrip(command, "ReadingsSerializer"));
    }
    Object getState = new Device.GetState(summary.getRef());
    assertEquals(getState, roundTrip(getState));
  }

  @Test
  void shouldRoundTripEveryEventWithItsSchemaVersion() {
    Device.ReadingsRecorded event =
        new Device.ReadingsRecorded(1, "725030:14732", List.of(READING), 3, "readings-2", 42L);

    Device.ReadingsRecorded back = (Device.ReadingsRecorded) roundTrip(event, "ReadingsSerializer");

    assertEquals(event, back);
    assertEquals(1, back.version());
  }

  @Test
  void shouldReadEventsJournaledInCborBeforeTheCompactFormat() {
    Device.ReadingsRecorded event =
        new Device.ReadingsRecorded(1, "725030:14732", List.of(READING), 3, "readings-2", 42L);
    Serialization serialization = serialization();
    Serializer cbor = serialization.serializerByIdentity().apply(JACKSON_CBOR_ID);
    assertEquals("JacksonCborSerializer", cbor.getClass().getSimpleName());
    byte[] journaled = cbor.toBinary(event);

    Object back =
        serialization
            .deserialize(journaled, cbor.identifier(), Serializers.manifestFor(cbor, event))
            .get();

    assertEquals(event, back);
  }

  @Test
  void shouldRoundTripTheSnapshotStateWithItsIndex() {
    SeenTimestamps seen = new SeenTimestamps();
    seen.add(READING.timestamp());
    seen.add(Instant.parse("2008-01-01T00:30:00.5Z"));
    Device.State state =
        new Device.State(
            2,
            1,
            READING.timestamp(),
            Instant.parse("2008-01-01T00:30:00.5Z"),
            Map.of("temperature", new Device.Latest(5.0, READING.timestamp())),
            Map.of("readings-2", 42L),
            seen,
            Set.of(LocalDate.parse("2008-01-01")));

    assertEquals(state, roundTrip(state));
  }

  @Test
  void shouldReadASnapshotOfAnEarlierBuildWithoutItsLastEventsDays() throws Exception {
    Device.State state =
        new Device.State(
            1,
            0,
            READING.timestamp(),
            READING.timestamp(),
            Map.of(),
            Map.of(),
            new SeenTimestamps(),
            Set.of());
    Serialization serialization = serialization();
    Serializer cbor = serialization.findSerializerFor(state);
    ObjectMapper mapper = new ObjectMapper(new CBORFactory());
    ObjectNode fields = (ObjectNode) mapper.readTree(cbor.toBinary(state));
    assertTrue(fields.has("lastEventDays"));
    fields.remove("lastEventDays"); // as earlier builds wrote it

    Device.State earlier =
        (Device.State)
            serialization
                .deserialize(
                    mapper.writeValueAsBytes(fields),
                    cbor.identifier(),
                    Serializers.manifestFor(cbor, state))
                .get();

    assertEquals(1, earlier.readings());
    assertNull(earlier.lastEventDays(), "days unknown: the recovery reads the last event back");
  }

  @Test
  void shouldRoundTripTheReplies() {
    Device.Recorded recorded = new Device.Recorded(3, 2, 1);
    Device.Summary summary =
        new Device.Summary(
            "725030:14732",
            3,
            2,
            READING.timestamp(),
            READING.timestamp(),
            Map.of("temperature", 5.0));

    assertEquals(recorded, roundTrip(recorded));
    assertEquals(summary, roundTrip(summary));
  }
}
