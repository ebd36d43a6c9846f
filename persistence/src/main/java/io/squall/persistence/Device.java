package io.squall.persistence;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.PreRestart;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.ShardingEnvelope;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.squall.persistence.internal.SeenTimestamps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * One device (a weather station, a server, a sensor): records its readings exactly once, however
 * often they arrive, and answers its live state. Event-sourced on the Cassandra journal, sharded
 * over the cluster, one entity per device id.
 *
 * <p>The device is the single writer of its aggregate rows: after each persist it hands the event
 * to its {@link DeviceProjection} and answers, or takes its next command, only once the rows are
 * durable. A recovery first re-projects what the journal holds beyond the rows; a row write that
 * fails restarts the entity, which then does the same.
 */
public final class Device
    extends EventSourcedBehaviorWithEnforcedReplies<Device.Command, Device.Event, Device.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Device");

  // ---- commands ----

  /** What a Device is asked. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Records {@code readings}; answers only once they are in the journal, so a Kafka consumer may
   * commit their offsets then. A journal failure gets no answer (the caller retries).
   */
  public record Record(Readings readings, Origin origin, ActorRef<StatusReply<Recorded>> replyTo)
      implements Command {
    @JsonCreator
    public Record {}

    /** The readings of one device, a reading at a time (tests, tools). */
    public Record(List<Reading> readings, Origin origin, ActorRef<StatusReply<Recorded>> replyTo) {
      this(Readings.of(readings), origin, replyTo);
    }
  }

  /** Answers the live state; a device that never recorded a reading has {@code readings == 0}. */
  public record GetState(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /**
   * Projects the device's whole journal into aggregates {@code version} and keeps that version
   * written from then on; answers, with the number of events in the journal, once the device's rows
   * of {@code version} are whole.
   */
  public record Rebuild(int version, ActorRef<StatusReply<Long>> replyTo) implements Command {}

  /**
   * What sharding sends to passivate or hand off the entity: it stops once the rows being written
   * are durable, so the answer they wait for is never lost.
   */
  public record Stop() implements Command {}

  /**
   * The rows of the last event (or of a recovery, a rebuild) are durable: {@code reply} answers.
   */
  private record RowsWritten(Runnable reply) implements Command {}

  /** The rows could not be written: the entity restarts and re-projects on recovery. */
  private record RowsFailed(Throwable cause) implements Command {}

  /** Why a Device restarts when its rows could not be written. */
  public static final class RowsNotWrittenException extends SquallException {
    RowsNotWrittenException(String deviceId, Throwable cause) {
      super("the aggregate rows of device " + deviceId + " could not be written: " + cause, cause);
    }
  }

  /**
   * Which UTC days and months of an event held readings of the device before it: only their rows
   * can exist, so only they may need a read. A device's first event has none.
   */
  public record PriorPeriods(Set<LocalDate> days, Set<YearMonth> months) {
    public static final PriorPeriods NONE = new PriorPeriods(Set.of(), Set.of());

    /** The days and months of {@code readings} that {@code state} already holds readings in. */
    static PriorPeriods of(State state, Readings readings) {
      if (state.readings() == 0 || readings.isEmpty()) {
        return NONE;
      }
      Set<Long> checkedDays = new HashSet<>();
      Set<YearMonth> checkedMonths = new HashSet<>();
      Set<LocalDate> days = new HashSet<>();
      Set<YearMonth> months = new HashSet<>();
      long lastDay = Long.MIN_VALUE;
      for (int i = 0; i < readings.size(); i++) {
        long epochDay = Math.floorDiv(readings.epochSecond(i), SECONDS_PER_DAY);
        if (epochDay == lastDay || !checkedDays.add(epochDay)) {
          continue;
        }
        lastDay = epochDay;
        LocalDate day = LocalDate.ofEpochDay(epochDay);
        if (state.recordedBetween(epochDay * SECONDS_PER_DAY, (epochDay + 1) * SECONDS_PER_DAY)) {
          days.add(day);
        }
        YearMonth month = YearMonth.from(day);
        if (checkedMonths.add(month)
            && state.recordedBetween(
                month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC))) {
          months.add(month);
        }
      }
      return new PriorPeriods(Set.copyOf(days), Set.copyOf(months));
    }
  }

  private static final long SECONDS_PER_DAY = 86_400;

  /**
   * Where a batch of readings was read from: the Kafka partition and each reading's offset, in the
   * order of the readings. A record redelivered after a crash (an already recorded timestamp at an
   * offset at or below the highest applied one) changes nothing, not even the duplicates count.
   */
  public record Origin(String topicPartition, List<Long> offsets) implements CborSerializable {
    /** Readings that did not come from Kafka. */
    public static final Origin NONE = new Origin("", List.of());

    public boolean fromKafka() {
      return !offsets.isEmpty();
    }
  }

  /** How a batch was taken: new readings, duplicates of recorded ones, redelivered records. */
  public record Recorded(int recorded, int duplicates, int redelivered)
      implements CborSerializable {}

  /** The live state as the API shows it. */
  public record Summary(
      String id,
      long readings,
      long duplicates,
      Instant first,
      Instant last,
      Map<String, Double> latest)
      implements CborSerializable {}

  // ---- events ----

  /** What a Device journals. */
  public sealed interface Event extends CborSerializable {
    String deviceId();
  }

  /**
   * Readings recorded for the first time, and how many duplicates the batch held. {@code version}
   * is the event's schema version, so the event can evolve; {@code offset} is the highest Kafka
   * offset of the batch in {@code topicPartition} ("" when not from Kafka).
   */
  public record ReadingsRecorded(
      int version,
      String deviceId,
      Readings readings,
      int duplicates,
      String topicPartition,
      long offset)
      implements Event {
    public static final int CURRENT_VERSION = 1;

    @JsonCreator
    public ReadingsRecorded {}

    /** The event of readings given a reading at a time (tests, tools). */
    public ReadingsRecorded(
        int version,
        String deviceId,
        List<Reading> readings,
        int duplicates,
        String topicPartition,
        long offset) {
      this(version, deviceId, Readings.of(readings), duplicates, topicPartition, offset);
    }
  }

  // ---- state ----

  /** A metric's most recent value and when it was observed. */
  public record Latest(double value, Instant at) implements CborSerializable {}

  /**
   * Counts, time range, latest values, the highest applied offset per Kafka partition, and the
   * index of every timestamp ever recorded. The index is shared between successive states and grows
   * in place (see {@link SeenTimestamps}), but only ever within one incarnation of the entity: Akka
   * applies an event before writing it and a failed write restarts the entity from its empty or
   * snapshot state, so neither of those may hold an index that events grow.
   *
   * <p>{@code lastEventDays} are the UTC days of the last event's readings, so that a recovery from
   * a snapshot can tell from those rows alone whether the event's rows were written; null in
   * snapshots of earlier builds.
   */
  public record State(
      long readings,
      long duplicates,
      Instant first,
      Instant last,
      Map<String, Latest> latest,
      Map<String, Long> appliedOffsets,
      SeenTimestamps seen,
      Set<LocalDate> lastEventDays)
      implements CborSerializable {

    public static State empty() {
      return new State(0, 0, null, null, Map.of(), Map.of(), new SeenTimestamps(), Set.of());
    }

    State apply(ReadingsRecorded event) {
      // The empty state outlives restarts: its index stays empty, the first event gets its own.
      SeenTimestamps index = seen.isEmpty() ? new SeenTimestamps() : seen;
      Readings batch = event.readings();
      Instant newFirst = first;
      Instant newLast = last;
      for (int i = 0; i < batch.size(); i++) {
        Instant at = batch.timestamp(i);
        index.add(at);
        newFirst = newFirst == null || at.isBefore(newFirst) ? at : newFirst;
        newLast = newLast == null || at.isAfter(newLast) ? at : newLast;
      }
      // Per metric, the batch's latest observation (the last of equal timestamps), then the same
      // rule against the state's: a later or equal timestamp replaces.
      int[] latestRow = new int[batch.metricCount()];
      double[] latestValue = new double[batch.metricCount()];
      Arrays.fill(latestRow, -1);
      for (int i = 0; i < batch.size(); i++) {
        for (int e = batch.entryStart(i); e < batch.entryEnd(i); e++) {
          int m = batch.entryMetric(e);
          if (latestRow[m] < 0 || !isBefore(batch, i, latestRow[m])) {
            latestRow[m] = i;
            latestValue[m] = batch.entryValue(e);
          }
        }
      }
      Map<String, Latest> newLatest = new HashMap<>(latest);
      for (int m = 0; m < latestRow.length; m++) {
        if (latestRow[m] >= 0) {
          Instant at = batch.timestamp(latestRow[m]);
          Latest current = newLatest.get(batch.metric(m));
          if (current == null || !at.isBefore(current.at())) {
            newLatest.put(batch.metric(m), new Latest(latestValue[m], at));
          }
        }
      }
      Map<String, Long> offsets = appliedOffsets;
      if (!event.topicPartition().isEmpty()) {
        offsets = new HashMap<>(appliedOffsets);
        offsets.merge(event.topicPartition(), event.offset(), Math::max);
      }
      return new State(
          readings + event.readings().size(),
          duplicates + event.duplicates(),
          newFirst,
          newLast,
          Map.copyOf(newLatest),
          Map.copyOf(offsets),
          index,
          daysOf(batch));
    }

    private static Set<LocalDate> daysOf(Readings batch) {
      Set<LocalDate> days = new HashSet<>();
      long lastDay = Long.MIN_VALUE;
      for (int i = 0; i < batch.size(); i++) {
        long epochDay = Math.floorDiv(batch.epochSecond(i), SECONDS_PER_DAY);
        if (epochDay != lastDay) {
          days.add(LocalDate.ofEpochDay(epochDay));
          lastDay = epochDay;
        }
      }
      return Set.copyOf(days);
    }

    private static boolean isBefore(Readings batch, int i, int j) {
      long a = batch.epochMilli(i);
      long b = batch.epochMilli(j);
      return a < b || a == b && batch.subMilliNanos(i) < batch.subMilliNanos(j);
    }

    /**
     * Whether a reading from {@code fromEpochSecond} (inclusive) to {@code toEpochSecond}
     * (exclusive) was recorded; may answer true where it cannot tell, never false wrongly.
     */
    public boolean recordedBetween(long fromEpochSecond, long toEpochSecond) {
      return readings > 0 && seen.anyBetween(fromEpochSecond, toEpochSecond);
    }

    private State withSeen(SeenTimestamps index) {
      return new State(
          readings, duplicates, first, last, latest, appliedOffsets, index, lastEventDays);
    }

    Summary summary(String id) {
      Map<String, Double> values = new TreeMap<>();
      latest.forEach((metric, value) -> values.put(metric, value.value()));
      return new Summary(id, readings, duplicates, first, last, values);
    }
  }

  // ---- wiring ----

  /** Registers the entity with Cluster Sharding on this node, writing rows through {@code rows}. */
  public static ActorRef<ShardingEnvelope<Command>> init(
      ActorSystem<?> system, DeviceProjection rows) {
    return ClusterSharding.get(system)
        .init(entity(DeviceSettings.create(system.settings().config()), rows));
  }

  /** The sharded entity, for callers that customise sharding (Kafka-aligned shards). */
  public static Entity<Command, ShardingEnvelope<Command>> entity(
      DeviceSettings settings, DeviceProjection rows) {
    return Entity.of(
            ENTITY_KEY,
            context ->
                supervised(
                    settings,
                    Behaviors.setup(
                        actor ->
                            new Device(
                                context.getEntityId(),
                                settings,
                                rows,
                                actor,
                                () ->
                                    context
                                        .getShard()
                                        .tell(new ClusterSharding.Passivate<>(actor.getSelf()))))))
        .withStopMessage(new Stop());
  }

  /** A Device outside sharding (tests, tools): it never passivates itself. */
  public static Behavior<Command> create(
      String deviceId, DeviceSettings settings, DeviceProjection rows) {
    return supervised(
        settings, Behaviors.setup(actor -> new Device(deviceId, settings, rows, actor, () -> {})));
  }

  /** A Device whose rows could not be written restarts, with backoff, and re-projects. */
  private static Behavior<Command> supervised(DeviceSettings settings, Behavior<Command> device) {
    return Behaviors.supervise(device)
        .onFailure(
            RowsNotWrittenException.class,
            SupervisorStrategy.restartWithBackoff(
                settings.restartBackoffMin(), settings.restartBackoffMax(), 0.2));
  }

  public static PersistenceId persistenceId(String deviceId) {
    return PersistenceId.of(ENTITY_KEY.name(), deviceId);
  }

  private final String deviceId;
  private final DeviceSettings settings;
  private final ActorContext<Command> actor;
  private final DeviceProjection.Writer rows;
  private final Runnable passivate;
  private final LiveStates liveStates;
  // Of this incarnation only: whether rows are being written (commands wait), and the event its
  // first recovery replayed last. After a failed journal write Akka recovers again with this same
  // object, having applied the event that was never written: from then on the last event is read
  // back from the journal instead.
  private boolean writingRows;
  private boolean recoveredOnce;
  private ReadingsRecorded lastReplayed;

  private Device(
      String deviceId,
      DeviceSettings settings,
      DeviceProjection rows,
      ActorContext<Command> actor,
      Runnable passivate) {
    super(
        persistenceId(deviceId),
        SupervisorStrategy.restartWithBackoff(
            settings.restartBackoffMin(), settings.restartBackoffMax(), 0.2));
    this.deviceId = deviceId;
    this.settings = settings;
    this.actor = actor;
    this.rows = rows.writer(deviceId);
    this.passivate = passivate;
    this.liveStates = LiveStates.get(actor.getSystem());
    actor.getLog().debug("Device {} starting", deviceId);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            command ->
                writingRows && !(command instanceof RowsWritten || command instanceof RowsFailed),
            (state, command) -> Effect().stash())
        .onCommand(Record.class, this::onRecord)
        .onCommand(GetState.class, this::onGetState)
        .onCommand(Rebuild.class, this::onRebuild)
        .onCommand(Stop.class, (state, stop) -> Effect().stop().thenNoReply())
        .onCommand(RowsWritten.class, this::onRowsWritten)
        .onCommand(
            RowsFailed.class,
            (state, failed) -> {
              throw new RowsNotWrittenException(deviceId, failed.cause());
            })
        .build();
  }

  /** Waits for {@code written}, taking no other command meanwhile; then {@code reply} answers. */
  private void writeRows(CompletionStage<Done> written, Runnable reply) {
    writingRows = true;
    actor.pipeToSelf(
        written,
        (done, failure) -> failure == null ? new RowsWritten(reply) : new RowsFailed(failure));
  }

  private ReplyEffect<Event, State> onRowsWritten(State state, RowsWritten written) {
    writingRows = false;
    if (state.readings() > 0) {
      liveStates.publish(state.summary(deviceId));
    }
    written.reply().run();
    return Effect().noReply().thenUnstashAll();
  }

  private ReplyEffect<Event, State> onRebuild(State state, Rebuild command) {
    long events = lastSequenceNumber(actor);
    writeRows(
        rows.rebuild(command.version(), events),
        () -> command.replyTo().tell(StatusReply.success(events)));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onRecord(State state, Record command) {
    if (state.readings() == 0) {
      // only a device with no reading yet can be marked as one that never recorded
      liveStates.recording(deviceId);
    }
    Origin origin = command.origin();
    Readings readings = command.readings();
    boolean fromKafka = origin.fromKafka();
    if (fromKafka && origin.offsets().size() != readings.size()) {
      return Effect()
          .reply(
              command.replyTo(), StatusReply.error("a Kafka batch needs one offset per reading"));
    }
    if (!readings.isEmpty() && !readings.deviceId().equals(deviceId)) {
      return Effect()
          .reply(
              command.replyTo(),
              StatusReply.error(
                  "readings of device "
                      + readings.deviceId()
                      + " were sent to device "
                      + deviceId));
    }
    long applied =
        fromKafka ? state.appliedOffsets().getOrDefault(origin.topicPartition(), -1L) : -1L;
    long highest = applied;
    int redelivered = 0;
    int duplicates = 0;
    int[] fresh = new int[readings.size()];
    int freshCount = 0;
    FirstSight timestampsInBatch = new FirstSight();
    FirstSight offsetsInBatch = new FirstSight();
    // only readings journaled before timestamps were whole milliseconds have finer ones
    Set<Instant> finerTimestamps = new HashSet<>();
    for (int i = 0; i < readings.size(); i++) {
      long offset = fromKafka ? origin.offsets().get(i) : Long.MAX_VALUE;
      if (fromKafka) {
        highest = Math.max(highest, offset);
        if (!offsetsInBatch.add(offset)) {
          // the same record twice: a consumer re-fetched it after a rebalance
          redelivered++;
          continue;
        }
      }
      Instant at = readings.timestamp(i);
      boolean seen =
          state.seen().contains(at)
              || !(readings.subMilliNanos(i) == 0
                  ? timestampsInBatch.add(readings.epochMilli(i))
                  : finerTimestamps.add(at));
      if (!seen) {
        // A timestamp never recorded is always new data, whatever its offset says.
        fresh[freshCount++] = i;
      } else if (offset <= applied) {
        redelivered++;
      } else {
        duplicates++;
      }
    }
    Recorded recorded = new Recorded(freshCount, duplicates, redelivered);
    if (freshCount == 0 && duplicates == 0) {
      return Effect().reply(command.replyTo(), StatusReply.success(recorded));
    }
    Readings freshReadings = readings.select(fresh, freshCount);
    PriorPeriods prior = PriorPeriods.of(state, freshReadings);
    ReadingsRecorded event =
        new ReadingsRecorded(
            ReadingsRecorded.CURRENT_VERSION,
            deviceId,
            freshReadings,
            duplicates,
            fromKafka ? origin.topicPartition() : "",
            fromKafka ? highest : -1L);
    return Effect()
        .persist(event)
        .thenRun(
            updated ->
                writeRows(
                    rows.project(event, lastSequenceNumber(actor), prior),
                    () -> command.replyTo().tell(StatusReply.success(recorded))))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onGetState(State state, GetState command) {
    StatusReply<Summary> answer = StatusReply.success(state.summary(deviceId));
    if (state.readings() == 0) {
      liveStates.markNeverRecorded(deviceId);
      // Nobody keeps an entity alive for a device that does not exist.
      return Effect()
          .none()
          .thenRun(unused -> passivate.run())
          .thenReply(command.replyTo(), s -> answer);
    }
    return Effect().reply(command.replyTo(), answer);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ReadingsRecorded.class,
            (state, event) -> {
              if (!recoveredOnce) {
                lastReplayed = event;
              }
              return state.apply(event);
            })
        .build();
  }

  /** After a recovery, the rows catch up with the journal before any command is taken. */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              long last = lastSequenceNumber(actor);
              Optional<ReadingsRecorded> replayed = Optional.ofNullable(lastReplayed);
              recoveredOnce = true;
              lastReplayed = null;
              if (last > 0) {
                writeRows(
                    rows.recover(last, replayed, Optional.ofNullable(state.lastEventDays())),
                    () -> {});
              }
            })
        .onSignal(PostStop.class, (state, stopped) -> liveStates.remove(deviceId))
        .onSignal(PreRestart.class, (state, restarting) -> liveStates.remove(deviceId))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.keepSnapshots());
  }

  /**
   * The index grows in place on this entity's thread: what goes to the snapshot store is a copy.
   * What comes back is the store's own fresh object on every recovery, so it needs no copy.
   */
  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return state.withSeen(state.seen().copy());
      }

      @Override
      public State fromJournal(Object from) {
        return (State) from;
      }
    };
  }
}
