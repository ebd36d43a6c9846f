package io.squall.projections;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.Offset;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.cassandra.javadsl.CassandraProjection;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.javadsl.SourceProvider;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceSettings;
import io.squall.persistence.NodeMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregates projection: one instance per tag slice of the journal, spread over the cluster
 * with a ShardedDaemonProcess per version, offsets in Cassandra; each node also runs the {@link
 * VersionCycle}.
 */
public final class AggregatesProjection {
  public static final String NAME = "aggregates";
  private static final Logger log = LoggerFactory.getLogger(AggregatesProjection.class);

  private final ActorSystem<?> system;
  private final ProjectionSettings settings;
  private final AggregatesRepository repository;
  private final ProjectionVersions versions;
  private final SliceHighWater highWater;
  private final ProjectionLag lag;
  private final VersionCycle cycle;
  private final Set<Integer> started = ConcurrentHashMap.newKeySet();
  private final Map<ProjectionId, SliceMeters> meters = new ConcurrentHashMap<>();

  private AggregatesProjection(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      ProjectionVersions versions,
      SliceHighWater highWater) {
    this.system = system;
    this.settings = settings;
    this.repository = repository;
    this.versions = versions;
    this.highWater = highWater;
    SliceProgress progress =
        new JournalSliceProgress(system, highWater, settings.journalQueryTimeout());
    this.lag =
        new ProjectionLag(progress, settings.slices(), settings.lagCountLimit(), Clock.systemUTC());
    CatchUp catchUp = new CatchUp(progress, settings.slices());
    this.cycle =
        new VersionCycle(system, settings, versions, repository, catchUp, this::ensureStarted);
  }

  /** The projection's id for one slice of one version. */
  public static ProjectionId id(int version, int slice) {
    return ProjectionId.of(NAME + "-v" + version, DeviceSettings.tag(slice));
  }

  /**
   * Starts the serving (and any building) version on this node and keeps the version cycle running;
   * first creates what is missing of the schema when {@code settings.autocreate()}.
   */
  public static CompletionStage<AggregatesProjection> init(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      CassandraSession session) {
    CompletionStage<Done> schema =
        settings.autocreate()
            ? createSchema(system, settings, repository, session)
            : CompletableFuture.completedFuture(Done.getInstance());
    return schema
        .thenCompose(d -> ProjectionVersions.open(session, settings))
        .thenApply(
            versions -> {
              AggregatesProjection projection =
                  new AggregatesProjection(
                      system,
                      settings,
                      repository,
                      versions,
                      new SliceHighWater(session, settings.keyspace()));
              projection.ensureStarted(versions.state());
              Duration every = settings.versionCheckInterval();
              system
                  .scheduler()
                  .scheduleWithFixedDelay(
                      every, every, projection.cycle::run, system.executionContext());
              return projection;
            });
  }

  /**
   * Creates what is missing of the projection's schema: the offset store's keyspace (replicated
   * like the journal) and tables, the versions and high-water tables, and the tables of the serving
   * version.
   */
  public static CompletionStage<Done> createSchema(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      CassandraSession session) {
    String offsetKeyspace =
        system.settings().config().getString("akka.projection.cassandra.offset-store.keyspace");
    return session
        .executeDDL(
            "CREATE KEYSPACE IF NOT EXISTS "
                + offsetKeyspace
                + " WITH replication = "
                + settings.replication().cql())
        .thenCompose(d -> CassandraProjection.createTablesIfNotExists(system))
        .thenCompose(d -> ProjectionVersions.createSchema(session, settings))
        .thenCompose(
            current ->
                new SliceHighWater(session, settings.keyspace())
                    .createTable()
                    .thenCompose(d -> repository.createTables(current)));
  }

  public ProjectionVersions versions() {
    return versions;
  }

  /** Reads of the serving version. */
  public Aggregates aggregates() {
    return new Aggregates(repository, () -> versions.state().current());
  }

  /** The serving version and any version being built, with each slice's progress. */
  public CompletionStage<List<ProjectionLag.VersionStatus>> status() {
    ProjectionVersions.State state = versions.state();
    CompletionStage<ProjectionLag.VersionStatus> serving = lag.status(state.current(), "serving");
    if (state.building().isEmpty()) {
      return serving.thenApply(List::of);
    }
    return serving.thenCombine(
        lag.status(state.building().getAsInt(), "building"), (a, b) -> List.of(a, b));
  }

  /** Starts building version current+1 from the start of the journal; answers its number. */
  public CompletionStage<Integer> rebuild() {
    return cycle.rebuild();
  }

  private void ensureStarted(ProjectionVersions.State state) {
    start(state.current());
    state.building().ifPresent(this::start);
  }

  /** Starts the instances of {@code version} on this node, once, after its tables exist. */
  private void start(int version) {
    if (!started.add(version)) {
      return;
    }
    // With autocreate off the serving version's tables come from `squall schema`, and a building
    // version's from the node that started the rebuild.
    CompletionStage<Done> tables =
        settings.autocreate()
            ? repository.createTables(version)
            : CompletableFuture.completedFuture(Done.getInstance());
    tables.whenComplete(
        (created, failure) -> {
          if (failure != null) {
            log.warn(
                "Could not create the tables of aggregates version {}: {}",
                version,
                failure.toString());
            started.remove(version);
            return;
          }
          ShardedDaemonProcess.get(system)
              .init(
                  ProjectionBehavior.Command.class,
                  NAME + "-v" + version,
                  settings.slices(),
                  slice ->
                      VersionedSlice.create(
                          versions,
                          version,
                          settings.versionCheckInterval(),
                          () -> projection(version, slice)),
                  ShardedDaemonProcessSettings.create(system),
                  Optional.of(ProjectionBehavior.stopMessage()));
        });
  }

  private GroupedProjection<Offset, EventEnvelope<Device.Event>> projection(
      int version, int slice) {
    SourceProvider<Offset, EventEnvelope<Device.Event>> source =
        EventSourcedProvider.eventsByTag(
            system, CassandraReadJournal.Identifier(), DeviceSettings.tag(slice));
    return CassandraProjection.groupedWithin(
            id(version, slice),
            source,
            () ->
                meters
                    .computeIfAbsent(
                        id(version, slice),
                        id -> new SliceMeters(NodeMetrics.get(system).registry(), version, slice))
                    .count(
                        new AggregatesHandler(repository, version, highWater.of(version, slice))))
        .withGroup(settings.groupAfterEnvelopes(), settings.groupAfterDuration());
  }
}
