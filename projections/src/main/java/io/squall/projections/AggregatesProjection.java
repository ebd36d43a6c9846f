package io.squall.projections;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.SingletonActor;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceTenure;
import io.squall.persistence.NodeMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregates projection of a node: the versions of the tables, the rows each device writes
 * through {@link DeviceRows}, the cluster's {@link RebuildDriver} and what {@code GET
 * /api/v1/projections} reports.
 */
public final class AggregatesProjection {
  public static final String NAME = "aggregates";
  private static final Logger log = LoggerFactory.getLogger(AggregatesProjection.class);
  private static final String DEVICE_PREFIX = Device.ENTITY_KEY.name() + "|";

  private final ActorSystem<?> system;
  private final ProjectionSettings settings;
  private final AggregatesRepository repository;
  private final ProjectionVersions versions;
  private final RebuildProgress rebuildProgress;
  private final CassandraSession session;
  private final RowMeters meters;
  private final CassandraReadJournal journal;
  private final RowCache cache;

  private AggregatesProjection(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      ProjectionVersions versions,
      CassandraSession session) {
    this.system = system;
    this.settings = settings;
    this.repository = repository;
    this.versions = versions;
    this.session = session;
    this.rebuildProgress = new RebuildProgress(session, settings.keyspace());
    this.meters = new RowMeters(NodeMetrics.get(system).registry(), Clock.systemUTC());
    this.cache =
        new RowCache(
            DeviceTenure.get(system), settings.cachedRows(), NodeMetrics.get(system).registry());
    this.journal =
        PersistenceQuery.get(Adapter.toClassic(system))
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
  }

  /**
   * Reads the versions (first creating what is missing of the schema when {@code
   * settings.autocreate()}), keeps them fresh, and runs the rebuild driver on one node of the
   * cluster.
   */
  public static CompletionStage<AggregatesProjection> init(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      CassandraSession session) {
    CompletionStage<Done> schema =
        settings.autocreate()
            ? createSchema(settings, repository, session)
            : CompletableFuture.completedFuture(Done.getInstance());
    return schema
        .thenCompose(d -> ProjectionVersions.open(session, settings))
        .thenApply(
            versions -> {
              AggregatesProjection projection =
                  new AggregatesProjection(system, settings, repository, versions, session);
              Duration every = settings.versionCheckInterval();
              system
                  .scheduler()
                  .scheduleWithFixedDelay(
                      every, every, projection::refresh, system.executionContext());
              ClusterSingleton.get(system)
                  .init(
                      SingletonActor.of(
                          Behaviors.supervise(RebuildDriver.create(projection))
                              .onFailure(SupervisorStrategy.restart()),
                          NAME + "-rebuild"));
              return projection;
            });
  }

  /**
   * Creates what is missing of the projection's schema: the keyspace (replicated like the journal),
   * the versions and rebuild-progress tables, the known devices and the serving version's tables.
   */
  public static CompletionStage<Done> createSchema(
      ProjectionSettings settings, AggregatesRepository repository, CassandraSession session) {
    return ProjectionVersions.createSchema(
            session,
            settings,
            () -> new RebuildProgress(session, settings.keyspace()).createTable())
        .thenCompose(current -> repository.createTables(current));
  }

  private void refresh() {
    versions
        .refresh()
        .whenComplete(
            (state, failure) -> {
              if (failure != null) {
                log.warn("Reading the aggregates versions failed: {}", failure.toString());
              }
            });
  }

  public ProjectionVersions versions() {
    return versions;
  }

  AggregatesRepository repository() {
    return repository;
  }

  ProjectionSettings settings() {
    return settings;
  }

  RowMeters meters() {
    return meters;
  }

  CassandraReadJournal journal() {
    return journal;
  }

  DeviceRowsWriter.Context writerContext() {
    return new DeviceRowsWriter.Context(repository, versions::state, journal, meters, cache);
  }

  RebuildProgress rebuildProgress() {
    return rebuildProgress;
  }

  /** Reads of the serving version. */
  public Aggregates aggregates() {
    return new Aggregates(repository, versions::state, cache);
  }

  /**
   * What one version of the aggregates is doing, as {@code GET /api/v1/projections} shows it: for
   * the serving version, this node's devices whose last event's rows are being written; for a
   * version being built, the devices whose journals are not replayed yet ({@code eventsPending} and
   * {@code oldestPendingSeconds} are null there: a device's events are counted as it is replayed)
   * and the rebuild's progress, null for the serving version.
   */
  public record VersionStatus(
      int version,
      String state,
      long devicesPending,
      Long eventsPending,
      Double oldestPendingSeconds,
      Rebuild rebuild) {}

  /**
   * A rebuild's progress: devices whose journals were replayed of those listed so far, and their
   * events.
   */
  public record Rebuild(
      java.time.Instant startedAt, long devicesDone, long devicesTotal, long eventsDone) {}

  /**
   * The serving version, with the events of this node's devices whose rows are being written, and
   * any version being built, with its rebuild's progress over the cluster.
   */
  public CompletionStage<List<VersionStatus>> status() {
    ProjectionVersions.State state = versions.state();
    RowMeters.Pending pending = meters.pending();
    List<VersionStatus> statuses = new ArrayList<>();
    statuses.add(
        new VersionStatus(
            state.current(),
            "serving",
            pending.devices(),
            pending.events(),
            pending.oldestSeconds(),
            null));
    if (state.building().isEmpty()) {
      return CompletableFuture.completedFuture(statuses);
    }
    int building = state.building().getAsInt();
    return rebuildProgress
        .of(building)
        .thenApply(
            progress -> {
              Rebuild rebuild =
                  progress
                      .map(
                          p ->
                              new Rebuild(
                                  p.startedAt(), p.devicesDone(), p.devicesTotal(), p.eventsDone()))
                      .orElse(null);
              long left =
                  rebuild == null ? 0 : Math.max(0, rebuild.devicesTotal() - rebuild.devicesDone());
              statuses.add(new VersionStatus(building, "building", left, null, null, rebuild));
              return statuses;
            });
  }

  /** Starts building version current+1 from the devices' journals; answers its number. */
  public CompletionStage<Integer> rebuild() {
    return versions
        .startRebuild()
        .thenCompose(next -> repository.createTables(next).thenApply(d -> next))
        .thenApply(
            next -> {
              log.info("Rebuilding aggregates as version {} from the devices' journals", next);
              return next;
            });
  }

  /** Drops the tables of a version that no longer serves. */
  void drop(int old) {
    repository
        .dropTables(old)
        .whenComplete(
            (d, failure) ->
                log.info(
                    "Dropped the tables of aggregates version {}{}",
                    old,
                    failure == null ? "" : " (failed: " + failure + ")"));
  }

  /**
   * Lists every device of the journal among the known devices: an installation of the earlier
   * layout never recorded them. Reads every partition key of the journal once.
   */
  CompletionStage<Done> registerJournalDevices() {
    String messages =
        system.settings().config().getString("akka.persistence.cassandra.journal.keyspace")
            + "."
            + system.settings().config().getString("akka.persistence.cassandra.journal.table");
    log.info("Listing the devices of the journal {} among the known devices", messages);
    return session
        .select("SELECT DISTINCT persistence_id, partition_nr FROM " + messages)
        .filter(
            row ->
                row.getLong("partition_nr") == 0
                    && row.getString("persistence_id").startsWith(DEVICE_PREFIX))
        .mapAsyncUnordered(
            8,
            row ->
                repository.registerDevice(
                    row.getString("persistence_id").substring(DEVICE_PREFIX.length())))
        .runWith(akka.stream.javadsl.Sink.ignore(), system);
  }
}
