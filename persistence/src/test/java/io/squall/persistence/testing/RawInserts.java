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
 * single-row inserts of {@value #PAYLOAD_BYTES}-byte payloads, 256 in flight, into a fresh table,
 * timed after a warm-up.
 */
public final class RawInserts {
  public static final int PAYLOAD_BYTES = 150;
  private static final int IN_FLIGHT = 256;
  private static final int WARM_UP_ROWS = 50_000;

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
      // a Cassandra started moments ago still compiles its write path: warm it up first
      insert(session, insert, -WARM_UP_ROWS, 0);
      long start = System.nanoTime();
      insert(session, insert, 0, rows);
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void insert(CqlSession session, PreparedStatement insert, int from, int to)
      throws InterruptedException {
    byte[] payload = new byte[PAYLOAD_BYTES];
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    for (int i = from; i < to; i++) {
      inFlight.acquire();
      session
          .executeAsync(insert.bind("device-" + (i % 10_000), (long) i, ByteBuffer.wrap(payload)))
          .whenComplete((r, e) -> inFlight.release());
    }
    inFlight.acquire(IN_FLIGHT);
  }

  /** The line benchmarks print for a rate {@link #perSecond} returned. */
  public static String describe(double perSecond) {
    return String.format(
        "raw Cassandra baseline: %,.0f single-row inserts/s (%d-byte payloads, async, %d in flight,"
            + " after %,d warm-up rows)",
        perSecond, PAYLOAD_BYTES, IN_FLIGHT, WARM_UP_ROWS);
  }
}
