package io.squall.persistence.testing;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.PauseGuard;
import java.util.concurrent.Semaphore;

/**
 * A process for {@code PauseFenceIT} to freeze: a node's Cassandra session (as {@code
 * persistence.conf} builds it) and its {@link PauseGuard}, inserting numbered rows as fast as the
 * session takes them, many in flight. Prints "writing" once the first row is stored.
 *
 * <p>Arguments: table (keyspace.name), writer id, pause limit.
 */
public final class FrozenWriter {
  /** Rows sent and not yet answered, at most. */
  public static final int IN_FLIGHT = 128;

  private FrozenWriter() {}

  public static void main(String[] args) throws Exception {
    String table = args[0];
    String writer = args[1];
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "frozen-writer",
            ConfigFactory.parseString("squall.pause-limit = " + args[2])
                .withFallback(LocalInfra.cassandraPersistence("unused")));
    PauseGuard.get(system);
    CassandraSession session =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    PreparedStatement insert =
        session
            .prepare("INSERT INTO " + table + " (writer, n) VALUES (?, ?)")
            .toCompletableFuture()
            .get();
    session.executeWrite(insert.bind(writer, 0L)).toCompletableFuture().get();
    System.out.println("writing");
    System.out.flush();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    for (long n = 1; ; n++) {
      inFlight.acquire();
      session.executeWrite(insert.bind(writer, n)).whenComplete((done, e) -> inFlight.release());
    }
  }
}
