package io.squall.node;

import static akka.http.javadsl.server.Directives.concat;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.ServerBinding;
import akka.management.cluster.bootstrap.ClusterBootstrap;
import akka.management.javadsl.AkkaManagement;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import io.squall.http.ApiRoutes;
import io.squall.http.DashboardRoutes;
import io.squall.http.DeviceReads;
import io.squall.http.HttpServer;
import io.squall.persistence.CassandraSecurity;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.PauseGuard;
import io.squall.projections.AggregatesProjection;
import io.squall.projections.AggregatesRepository;
import io.squall.projections.DeviceRows;
import io.squall.projections.internal.CassandraAggregatesRepository;
import io.squall.sharding.DeviceSharding;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.ReadingsConsumer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Squall node: joins its cluster, then serves the API. Tests build nodes with {@link #init}. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** Why a node that could not start stops: its process exits 1 ({@code cluster.conf}). */
  public static final class StartupFailed implements CoordinatedShutdown.Reason {
    static final StartupFailed INSTANCE = new StartupFailed();

    private StartupFailed() {}
  }

  /** What a started node exposes to its caller. */
  public record Node(
      CompletionStage<ServerBinding> http,
      CompletionStage<Optional<ReadingsConsumer>> ingestion,
      CompletionStage<AggregatesProjection> aggregates) {}

  public static void main(String[] args) {
    start();
  }

  /** Starts a node configured by the environment; it runs until its actor system terminates. */
  static ActorSystem<Void> start() {
    CommonPool.size();
    Config config = NodeConfig.load();
    return ActorSystem.create(guardian(config), "Squall", config);
  }

  static Behavior<Void> guardian(Config config) {
    return Behaviors.setup(
        context -> {
          ActorSystem<?> system = context.getSystem();
          try {
            init(system, NodeSettings.create(config));
          } catch (RuntimeException e) {
            log.error("Squall could not start: {}", e.getMessage());
            CoordinatedShutdown.get(system).run(StartupFailed.INSTANCE);
          }
          return Behaviors.empty();
        });
  }

  /** Wires the node into {@code system}; the same wiring runs in production and in tests. */
  public static Node init(ActorSystem<?> system, NodeSettings settings) {
    // ticking from the start: a pause before the first device is recorded counts too
    PauseGuard.get(system);
    Prometheus.get(system);
    joinCluster(system, settings);
    CassandraDiagnosis cassandra = new CassandraDiagnosis(system);
    DependencyHealth health =
        new DependencyHealth(
            system, settings.ingest().kafka(), cassandra, settings.http().healthTimeout());
    CompletionStage<AggregatesProjection> aggregates = startProjection(system, settings);
    cassandra.logUntil(system, aggregates, "the aggregate tables on Cassandra");
    CompletionStage<Optional<ReadingsConsumer>> ingestion =
        startIngestion(system, settings, DeviceRows.of(system, aggregates));
    CompletionStage<ServerBinding> http =
        HttpServer.start(
            system,
            settings.http(),
            concat(
                DashboardRoutes.create(),
                ApiRoutes.create(
                    system, settings.http(), settings.ingest(), health, ingestion, aggregates)),
            new DeviceReads(
                system,
                settings.http(),
                ingestion,
                aggregates.thenApply(AggregatesProjection::aggregates)));
    Node node = new Node(http, ingestion, aggregates);
    NodeReadiness.register(system, node, health);
    return node;
  }

  /**
   * Device shards aligned with the topic's partitions, each device writing its aggregate rows
   * through {@code rows}; then (if enabled) this node's consumer.
   */
  private static CompletionStage<Optional<ReadingsConsumer>> startIngestion(
      ActorSystem<?> system, NodeSettings settings, DeviceProjection rows) {
    IngestSettings ingest = settings.ingest();
    return Startup.retrying(
            system,
            "the device shards on Kafka at " + ingest.bootstrapServers(),
            ingest.kafka()::refusal,
            () -> DeviceSharding.init(system, ingest, settings.device(), rows))
        .thenApply(
            ready ->
                ingest.enabled()
                    ? Optional.of(ReadingsConsumer.start(system, ingest))
                    : Optional.empty());
  }

  /** The aggregate tables' schema, then their versions and the cluster's rebuild driver. */
  private static CompletionStage<AggregatesProjection> startProjection(
      ActorSystem<?> system, NodeSettings settings) {
    CassandraSession session =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    AggregatesRepository repository =
        new CassandraAggregatesRepository(session, settings.projections().keyspace());
    List<String> contactPoints =
        system.settings().config().getStringList("datastax-java-driver.basic.contact-points");
    return Startup.retrying(
        system,
        "the aggregate tables on Cassandra",
        failure -> CassandraSecurity.refusal(failure, contactPoints),
        () -> AggregatesProjection.init(system, settings.projections(), repository, session));
  }

  private static void joinCluster(ActorSystem<?> system, NodeSettings settings) {
    if (settings.management()) {
      AkkaManagement.get(system).start();
    }
    switch (settings.join()) {
      case SELF ->
          Cluster.get(system)
              .manager()
              .tell(Join.create(Cluster.get(system).selfMember().address()));
      case SEED_NODES -> {} // akka.cluster.seed-nodes joins on its own
      case BOOTSTRAP -> ClusterBootstrap.get(system).start();
    }
  }
}
