package io.squall.projections;

import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import io.squall.projections.internal.CassandraAggregatesRepository;
import io.squall.sharding.IngestNode;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An ingest node of the integration tests whose devices write their rows to the real Cassandra, as
 * a Squall node wires them: the aggregates projection, its tables and their keyspace.
 */
final class ProjectedNode implements AutoCloseable {
  final IngestNode node;
  final AggregatesRepository repository;
  final AggregatesProjection projection;
  private final String keyspace;

  private ProjectedNode(
      IngestNode node,
      AggregatesRepository repository,
      AggregatesProjection projection,
      String keyspace) {
    this.node = node;
    this.repository = repository;
    this.projection = projection;
    this.keyspace = keyspace;
  }

  static ProjectedNode start(Config config) throws Exception {
    ProjectionSettings settings = ProjectionSettings.create(config);
    AtomicReference<CompletionStage<AggregatesProjection>> started = new AtomicReference<>();
    AtomicReference<AggregatesRepository> tables = new AtomicReference<>();
    IngestNode node =
        IngestNode.start(
            config,
            null,
            system -> {
              CassandraSession session = session(system);
              tables.set(new CassandraAggregatesRepository(session, settings.keyspace()));
              started.set(AggregatesProjection.init(system, settings, tables.get(), session));
              return DeviceRows.of(system, started.get());
            });
    try {
      return new ProjectedNode(
          node,
          tables.get(),
          started.get().toCompletableFuture().get(60, TimeUnit.SECONDS),
          settings.keyspace());
    } catch (Exception | AssertionError e) {
      node.close();
      throw e;
    }
  }

  static CassandraSession session(akka.actor.typed.ActorSystem<?> system) {
    return CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
  }

  /** Whether the projection's keyspace holds {@code table} (true when Cassandra cannot tell). */
  boolean tableExists(String table) {
    try {
      return session(node.testKit.system())
          .selectOne(
              "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
              keyspace,
              table)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .isPresent();
    } catch (Exception e) {
      return true;
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
