package io.squall.projections;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregates projection: one instance per tag slice of the journal, spread over the cluster
 * with a ShardedDaemonProcess per version, offsets in Cassandra. Each node also runs the version
 * cycle: start what serves or is being built, switch reads to a rebuilt version once it has caught
 * up, and stop and drop the version it replaced.
 */
public final class AggregatesProjection {
  public static final String NAME = "aggregates";
  private static final Logger log = LoggerFactory.getLogger(AggregatesProjection.class);
  private static final Object CHECK = "check-version";

  private final ActorSystem<?> system;
  private final ProjectionSettings settings;
  private final AggregatesRepository repository;
  private final ProjectionVersions versions;
  private final CassandraSession session;
  private final Set<Integer> started = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean cycling = new AtomicBoolean();

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
  }

  /** The projection's id for one slice of one version. */
  public static ProjectionId id(int version, int slice) {
    return ProjectionId.of(NAME + "-v" + version, DeviceSettings.tag(slice));
  }

  /**
   * Creates what is missing of the schema, starts the serving (and any building) version on this
   * node, and keeps the version cycle running.
   */
  public static CompletionStage<AggregatesProjection> init(
      ActorSystem<?> system,
      ProjectionSettings settings,
      AggregatesRepository repository,
      CassandraSession session) {
    return ProjectionVersions.create(session, settings)
        .thenCompose(
            versions ->
                CassandraProjection.createTablesIfNotExists(system)
                    .thenApply(
                        d -> {
                          AggregatesProjection projection =
                              new AggregatesProjection(
                                  system, settings, repository, versions, session);
                          projection.ensureStarted(versions.state());
                          system
                              .scheduler()
                              .scheduleWithFixedDelay(
                                  settings.versionCheckInterval(),
                                  settings.versionCheckInterval(),
                                  projection::cycle,
                                  system.executionContext());
                          return projection;
                        }));
  }

  public ProjectionVersions versions() {
    return versions;
  }

  /** Reads of the serving version. */
  public Aggregates aggregates() {
    return new Aggregates(repository, () -> versions.state().current());
  }

  /** How far one slice of a version has come: its offset's time and how long ago that is. */
  public record SliceLag(
      String slice, java.time.Instant offsetTime, double lagSeconds, long lagEvents) {}

  /** A version's progress over its slices (slices without events yet are not listed). */
  public record VersionStatus(int version, String role, List<SliceLag> slices) {}

  /** The serving version and any version being built, with each slice's progress. */
  public CompletionStage<List<VersionStatus>> status() {
    ProjectionVersions.State state = versions.state();
    CompletionStage<VersionStatus> serving = status(state.current(), "serving");
    if (state.building().isEmpty()) {
      return serving.thenApply(List::of);
    }
    return serving.thenCombine(
        status(state.building().getAsInt(), "building"), (a, b) -> List.of(a, b));
  }

  private CompletionStage<VersionStatus> status(int version, String role) {
    java.time.Instant now = java.time.Instant.now();
    return offsets(version)
        .thenCompose(
            offsets -> {
              List<CompletableFuture<SliceLag>> slices =
                  offsets.entrySet().stream()
                      .sorted(Map.Entry.comparingByKey())
                      .map(
                          slice -> {
                            java.time.Instant at = timeOf(slice.getValue());
                            double seconds =
                                Math.max(
                                    0, java.time.Duration.between(at, now).toMillis() / 1000.0);
                            return eventsAfter(slice.getKey(), slice.getValue(), now)
                                .thenApply(
                                    events -> new SliceLag(slice.getKey(), at, seconds, events))
                                .toCompletableFuture();
                          })
                      .toList();
              return CompletableFuture.allOf(slices.toArray(CompletableFuture[]::new))
                  .thenApply(
                      done ->
                          new VersionStatus(
                              version,
                              role,
                              slices.stream().map(CompletableFuture::join).toList()));
            });
  }

  /** Events of {@code tag} written after {@code offset}: what the slice still has to fold. */
  private CompletionStage<Long> eventsAfter(String tag, UUID offset, java.time.Instant now) {
    var config = system.settings().config();
    String table =
        config.getString("akka.persistence.cassandra.journal.keyspace")
            + "."
            + config.getString("akka.persistence.cassandra.events-by-tag.table");
    long bucket =
        switch (config.getString("akka.persistence.cassandra.events-by-tag.bucket-size")) {
          case "Day" -> 86_400_000L;
          case "Minute" -> 60_000L;
          default -> 3_600_000L;
        };
    long from = timeOf(offset).toEpochMilli() / bucket * bucket;
    CompletionStage<Long> total = CompletableFuture.completedFuture(0L);
    for (long key = from; key <= now.toEpochMilli(); key += bucket) {
      long timebucket = key;
      total =
          total.thenCompose(
              sum ->
                  session
                      .selectOne(
                          "SELECT COUNT(*) FROM "
                              + table
                              + " WHERE tag_name = ? AND timebucket = ? AND timestamp > ?",
                          tag,
                          timebucket,
                          offset)
                      .thenApply(row -> sum + row.map(r -> r.getLong(0)).orElse(0L)));
    }
    return total;
  }

  /** The wall-clock time of a time-based (version 1) UUID. */
  private static java.time.Instant timeOf(UUID uuid) {
    long hundredNanosSince1582 = uuid.timestamp();
    long millis = hundredNanosSince1582 / 10_000 - 12_219_292_800_000L;
    return java.time.Instant.ofEpochMilli(millis);
  }

  /** Starts building version current+1 from the start of the journal; answers its number. */
  public CompletionStage<Integer> rebuild() {
    return versions
        .startRebuild()
        .thenCompose(
            next ->
                repository
                    .createTables(next)
                    .thenApply(
                        d -> {
                          log.info(
                              "Rebuilding aggregates as version {} from the start of the journal",
                              next);
                          ensureStarted(versions.state());
                          return next;
                        }));
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
    repository
        .createTables(version)
        .whenComplete(
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
                      slice -> instance(version, slice),
                      ShardedDaemonProcessSettings.create(system),
                      Optional.of(ProjectionBehavior.stopMessage()));
            });
  }

  /** One slice's projection, under a parent that stops it for good once its version retires. */
  private Behavior<ProjectionBehavior.Command> instance(int version, int slice) {
    Behavior<Object> parent =
        Behaviors.setup(
            context -> {
              if (versions.state().retired(version)) {
                return Behaviors.ignore();
              }
              ActorRef<ProjectionBehavior.Command> projection =
                  context.spawn(
                      ProjectionBehavior.create(projection(version, slice)), "projection");
              context.watch(projection);
              return Behaviors.withTimers(
                  timers -> {
                    timers.startTimerWithFixedDelay(CHECK, settings.versionCheckInterval());
                    return running(projection, version);
                  });
            });
    return parent.narrow();
  }

  /** Forwards the daemon process' messages; stops the projection when its version retires. */
  private Behavior<Object> running(ActorRef<ProjectionBehavior.Command> projection, int version) {
    return Behaviors.receive(Object.class)
        .onMessageEquals(
            CHECK,
            () -> {
              if (versions.state().retired(version)) {
                projection.tell(ProjectionBehavior.stopMessage());
                // stays as an idle placeholder, so the daemon process does not start it again
                return Behaviors.receive(Object.class)
                    .onMessage(ProjectionBehavior.Command.class, command -> Behaviors.stopped())
                    .onSignal(Terminated.class, stopped -> Behaviors.same())
                    .build();
              }
              return Behaviors.same();
            })
        .onMessage(
            ProjectionBehavior.Command.class,
            command -> {
              // the daemon process stops its instances this way (hand-off, shutdown)
              projection.tell(command);
              return Behaviors.receive(Object.class)
                  .onSignal(Terminated.class, stopped -> Behaviors.stopped())
                  .build();
            })
        .onSignal(Terminated.class, stopped -> Behaviors.stopped())
        .build();
  }

  private GroupedProjection<Offset, EventEnvelope<Device.Event>> projection(
      int version, int slice) {
    SourceProvider<Offset, EventEnvelope<Device.Event>> source =
        EventSourcedProvider.eventsByTag(
            system, CassandraReadJournal.Identifier(), DeviceSettings.tag(slice));
    return CassandraProjection.groupedWithin(
            id(version, slice), source, () -> new AggregatesHandler(repository, version))
        .withGroup(settings.groupAfterEnvelopes(), settings.groupAfterDuration());
  }

  /** Refresh versions; switch to a rebuilt version that has caught up; retire the old one. */
  private void cycle() {
    if (!cycling.compareAndSet(false, true)) {
      return;
    }
    versions
        .refresh()
        .thenCompose(
            state -> {
              ensureStarted(state);
              OptionalInt building = state.building();
              if (building.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              int old = state.current();
              int next = building.getAsInt();
              return caughtUp(next, old)
                  .thenCompose(
                      caughtUp ->
                          caughtUp ? switchTo(next, old) : CompletableFuture.completedFuture(null));
            })
        .whenComplete(
            (ignored, failure) -> {
              if (failure != null) {
                log.warn("Checking the aggregates versions failed: {}", failure.toString());
              }
              cycling.set(false);
            });
  }

  private CompletionStage<Void> switchTo(int next, int old) {
    return versions
        .switchTo(next)
        .thenAccept(
            switched -> {
              if (switched) {
                log.info(
                    "Aggregates version {} caught up: reads switched from version {}", next, old);
                system
                    .scheduler()
                    .scheduleOnce(
                        settings.dropRetiredAfter(),
                        () ->
                            repository
                                .dropTables(old)
                                .whenComplete(
                                    (d, failure) ->
                                        log.info(
                                            "Dropped the tables of aggregates version {}{}",
                                            old,
                                            failure == null ? "" : " (failed: " + failure + ")")),
                        system.executionContext());
              }
            });
  }

  /** Whether every slice of {@code next} has reached the offset {@code old} has now. */
  private CompletionStage<Boolean> caughtUp(int next, int old) {
    return offsets(old)
        .thenCombine(
            offsets(next),
            (oldOffsets, nextOffsets) -> {
              for (Map.Entry<String, UUID> slice : oldOffsets.entrySet()) {
                UUID reached = nextOffsets.get(slice.getKey());
                if (reached == null || reached.timestamp() < slice.getValue().timestamp()) {
                  return false;
                }
              }
              return true;
            });
  }

  /** Slice → offset (a time-based UUID) of {@code version}, from the projection offset store. */
  private CompletionStage<Map<String, UUID>> offsets(int version) {
    String keyspace =
        system.settings().config().getString("akka.projection.cassandra.offset-store.keyspace");
    String table =
        system.settings().config().getString("akka.projection.cassandra.offset-store.table");
    return session
        .selectAll(
            "SELECT projection_key, offset FROM "
                + keyspace
                + "."
                + table
                + " WHERE projection_name = ? AND partition IN (0, 1, 2, 3, 4)",
            NAME + "-v" + version)
        .thenApply(
            rows -> {
              Map<String, UUID> offsets = new ConcurrentHashMap<>();
              rows.forEach(
                  row ->
                      offsets.put(
                          row.getString("projection_key"),
                          UUID.fromString(row.getString("offset"))));
              return offsets;
            });
  }
}
