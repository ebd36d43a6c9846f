package io.squall.persistence;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/**
 * A device's events straight from the Cassandra journal, in order, as JSON lines — for operators
 * (`squall journal`); reads only, needs no cluster.
 */
public final class DeviceJournal {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private DeviceJournal() {}

  /** One journaled event: its sequence number, when it was persisted, and the event itself. */
  public record Entry(long sequenceNr, Instant persistedAt, String type, Device.Event event) {}

  /**
   * The events of {@code deviceId} persisted between {@code from} and {@code to} (inclusive, either
   * may be null for "no bound"), in sequence order; the stream completes at the journal's end.
   */
  public static Source<Entry, NotUsed> events(
      ActorSystem<?> system, String deviceId, Instant from, Instant to) {
    CassandraReadJournal journal =
        PersistenceQuery.get(Adapter.toClassic(system))
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    return journal
        .currentEventsByPersistenceId(Device.persistenceId(deviceId).id(), 0L, Long.MAX_VALUE)
        .map(DeviceJournal::entry)
        .filter(
            entry ->
                (from == null || !entry.persistedAt().isBefore(from))
                    && (to == null || !entry.persistedAt().isAfter(to)));
  }

  private static Entry entry(EventEnvelope envelope) {
    Device.Event event = (Device.Event) envelope.event();
    return new Entry(
        envelope.sequenceNr(),
        Instant.ofEpochMilli(envelope.timestamp()),
        event.getClass().getSimpleName(),
        event);
  }

  /** {@code entry} as one line of JSON. */
  public static String toJson(Entry entry) {
    try {
      return JSON.writeValueAsString(entry);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("journal entry could not be written as JSON", e);
    }
  }
}
