package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.squall.persistence.Device;
import io.squall.persistence.testing.LocalInfra;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A device's rows in the Cassandra journal, read with CQL (who wrote which sequence number). */
final class Journal implements AutoCloseable {
  /** One journal row: its sequence number, the writer incarnation and when it was written. */
  record Row1(long sequenceNr, String writer, Instant written) {}

  private final CqlSession session;
  private final String keyspace;

  Journal(String keyspace) {
    String[] hostPort = LocalInfra.cassandraContactPoint().split(":");
    this.session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
            .withLocalDatacenter("datacenter1")
            .build();
    this.keyspace = keyspace;
  }

  /** Every row of the device's journal in sequence-number order (partition 0 and 1). */
  List<Row1> rows(String deviceId) {
    List<Row1> rows = new ArrayList<>();
    for (long partition = 0; partition < 2; partition++) {
      for (Row row :
          session.execute(
              "SELECT sequence_nr, writer_uuid, timestamp FROM "
                  + keyspace
                  + ".messages WHERE persistence_id = ? AND partition_nr = ?",
              Device.persistenceId(deviceId).id(),
              partition)) {
        UUID timeuuid = row.getUuid("timestamp");
        rows.add(
            new Row1(
                row.getLong("sequence_nr"), row.getString("writer_uuid"), instantOf(timeuuid)));
      }
    }
    rows.sort(java.util.Comparator.comparingLong(Row1::sequenceNr));
    return rows;
  }

  /** What is wrong with a journal: gaps, a sequence number written twice, interleaved writers. */
  static List<String> problems(String deviceId, List<Row1> rows) {
    List<String> problems = new ArrayList<>();
    List<String> writers = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row1 row = rows.get(i);
      if (row.sequenceNr() != i + 1) {
        problems.add(deviceId + ": row " + (i + 1) + " has sequence number " + row.sequenceNr());
        break;
      }
      if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(row.writer())) {
        if (writers.contains(row.writer())) {
          problems.add(
              deviceId
                  + ": writer "
                  + row.writer()
                  + " wrote again at "
                  + row.sequenceNr()
                  + " after another writer");
        }
        writers.add(row.writer());
      }
    }
    return problems;
  }

  private static Instant instantOf(UUID timeuuid) {
    // 100 ns intervals since 1582-10-15
    long millis = (timeuuid.timestamp() - 0x01B21DD213814000L) / 10_000;
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public void close() {
    session.close();
  }
}
