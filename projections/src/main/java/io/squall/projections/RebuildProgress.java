package io.squall.projections;

import akka.Done;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * How far the rebuild of a version has come, as its driver last recorded it: when it began, the
 * known devices, those whose journals were replayed, and their events. Kept in Cassandra, so any
 * node reports it and a driver on another node resumes from the devices already done.
 */
final class RebuildProgress {
  private final CassandraSession session;
  private final String table;

  /** One version's rebuild; {@code devicesTotal} is 0 until the driver has listed the devices. */
  record Progress(
      int version, Instant startedAt, long devicesTotal, long devicesDone, long eventsDone) {}

  RebuildProgress(CassandraSession session, String keyspace) {
    this.session = session;
    this.table = keyspace + ".rebuild_progress";
  }

  CompletionStage<Done> createTable() {
    return session.executeDDL(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (version int PRIMARY KEY, started_at timestamp, devices_total bigint,"
            + " devices_done bigint, events_done bigint)");
  }

  CompletionStage<Done> start(int version, Instant at) {
    return session.executeWrite(
        "INSERT INTO " + table + " (version, started_at) VALUES (?, ?) IF NOT EXISTS", version, at);
  }

  CompletionStage<Done> record(int version, long devicesTotal, long devicesDone, long eventsDone) {
    return session.executeWrite(
        "UPDATE "
            + table
            + " SET devices_total = ?, devices_done = ?, events_done = ? WHERE version = ?",
        devicesTotal,
        devicesDone,
        eventsDone,
        version);
  }

  CompletionStage<Optional<Progress>> of(int version) {
    return session
        .selectOne(
            "SELECT started_at, devices_total, devices_done, events_done FROM "
                + table
                + " WHERE version = ?",
            version)
        .thenApply(row -> row.map(r -> progress(version, r)));
  }

  private static Progress progress(int version, Row r) {
    return new Progress(
        version,
        r.getInstant("started_at"),
        r.getLong("devices_total"),
        r.getLong("devices_done"),
        r.getLong("events_done"));
  }
}
