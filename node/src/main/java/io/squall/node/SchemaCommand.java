package io.squall.node;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.cassandra.KeyspaceAndTableStatements;
import akka.persistence.cassandra.PluginSettings;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import io.squall.persistence.CassandraSecurity;
import io.squall.persistence.Replication;
import io.squall.projections.AggregatesProjection;
import io.squall.projections.ProjectionSettings;
import io.squall.projections.internal.CassandraAggregatesRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;

/**
 * {@code squall schema}: creates what is missing of every keyspace and table Squall uses (journal,
 * snapshots, aggregates, versions, known devices), replicated as configured. Safe to run again; run
 * once per deployment, before nodes that start with {@code SQUALL_SCHEMA_AUTOCREATE=false}.
 */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Creates what is missing of Squall's keyspaces and tables in Cassandra: the journal, the snapshots, the aggregate tables, their versions and the known devices. Every keyspace is replicated like the journal: SQUALL_CASSANDRA_REPLICATION_FACTOR (SimpleStrategy) or SQUALL_CASSANDRA_DATA_CENTERS, as dc1:3,dc2:3 (NetworkTopologyStrategy). Cassandra and the keyspace names are taken from the same environment variables as a node. Running it again changes nothing.")
final class SchemaCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Config config = NodeConfig.forCommand();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "SquallSchema", config);
    try {
      Replication replication = Replication.create(config);
      System.out.println("Cassandra keyspaces replicated with " + replication.cql());
      for (String step : create(system, config).get(5, TimeUnit.MINUTES)) {
        System.out.println(step);
      }
      System.out.println("Squall's schema is complete.");
      return 0;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      List<String> contactPoints =
          config.getStringList("datastax-java-driver.basic.contact-points");
      System.err.println(
          "squall schema: "
              + CassandraSecurity.refusal(cause, contactPoints)
                  .orElse(
                      "could not create the schema in Cassandra at "
                          + contactPoints
                          + ": "
                          + cause.getMessage()));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      system.terminate();
    }
  }

  /** Creates every keyspace and table in turn; answers a line per part created. */
  static CompletableFuture<List<String>> create(ActorSystem<?> system, Config config) {
    CassandraSession session =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    KeyspaceAndTableStatements journal =
        new KeyspaceAndTableStatements(
            system, "akka.persistence.cassandra", PluginSettings.apply(Adapter.toClassic(system)));
    ProjectionSettings projections = ProjectionSettings.create(config);
    List<String> done = new ArrayList<>();
    return executeAll(
            session,
            journal.createJournalKeyspaceStatement(),
            journalTables(journal.getCreateJournalTablesStatements()))
        .thenRun(() -> done.add("journal: " + config.getString(JOURNAL_KEYSPACE)))
        .thenCompose(
            d ->
                executeAll(
                    session,
                    journal.createSnapshotKeyspaceStatement(),
                    journal.getCreateSnapshotTablesStatements()))
        .thenRun(() -> done.add("snapshots: " + config.getString(SNAPSHOT_KEYSPACE)))
        .thenCompose(
            d ->
                AggregatesProjection.createSchema(
                    projections,
                    new CassandraAggregatesRepository(session, projections.keyspace()),
                    session))
        .thenApply(
            d -> {
              done.add(
                  "aggregates, their versions and the known devices: " + projections.keyspace());
              return done;
            })
        .toCompletableFuture();
  }

  /**
   * The journal's tables as a node creates them: the plugin lists the events-by-tag tables and the
   * persistence-ids table whatever its settings, and Squall uses neither (persistence.conf).
   */
  static List<String> journalTables(List<String> statements) {
    return statements.stream()
        .filter(
            cql ->
                !cql.contains(".tag_views")
                    && !cql.contains(".tag_write_progress")
                    && !cql.contains(".tag_scanning")
                    && !cql.contains(".all_persistence_ids"))
        .toList();
  }

  private static final String JOURNAL_KEYSPACE = "akka.persistence.cassandra.journal.keyspace";
  private static final String SNAPSHOT_KEYSPACE = "akka.persistence.cassandra.snapshot.keyspace";

  private static CompletionStage<Done> executeAll(
      CassandraSession session, String keyspace, List<String> tables) {
    CompletionStage<Done> all = session.executeDDL(keyspace);
    for (String table : tables) {
      all = all.thenCompose(d -> session.executeDDL(table));
    }
    return all;
  }
}
