package io.squall.persistence.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The raw Cassandra write rate that benchmarks set Squall's figures beside: async prepared
 * single-row inserts of {@value #PAYLOAD_BYTES}-byte payloads, 256 in flight, into a fresh table.
 */
public final class RawInserts {
  public static final int PAYLOAD_BYTES = 150;
  private static final int IN_FLIGHT = 256;

  private RawInserts() {}

  /** Inserts {@code rows} rows and returns the rate in rows/s. */
  public static double perSecond(int rows) throws InterruptedException {
    String[] hostPort = LocalInfra.cassandraContactPoint().split(":");
    try (CqlSession session =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
            .withLocalDatacenter("datacenter1")
            .build()) {
      String table = LocalInfra.uniqueName("squall_bench.raw");
      for (String ddl :
          List.of(
              "CREATE KEYSPACE IF NOT EXISTS squall_bench WITH replication = "
                  + "{'class': 'SimpleStrategy', 'replication_factor': 1}",
              "CREATE TABLE "
                  + table
                  + " (id text, seq bigint, payload blob, PRIMARY KEY (id, seq))")) {
        session.execute(SimpleStatement.newInstance(ddl).setTimeout(Duration.ofSeconds(60)));
      }
      PreparedStatement insert =
          session.prepare("INSERT INTO " + table + " (id, seq, payload) VALUES (?, ?, ?)");
      byte[] payload = new byte[PAYLOAD_BYTES];
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      long start = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        inFlight.acquire();
        session
            .executeAsync(insert.bind("device-" + (i % 10_000), (long) i, ByteBuffer.wrap(payload)))
            .whenComplete((r, e) -> inFlight.release());
      }
      inFlight.acquire(IN_FLIGHT);
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** The line benchmarks print for a rate {@link #perSecond} returned. */
  public static String describe(double perSecond) {
    return String.format(
        "raw Cassandra baseline: %,.0f single-row inserts/s (%d-byte payloads, async, %d in flight)",
        perSecond, PAYLOAD_BYTES, IN_FLIGHT);
  }
}
