package io.squall.projections;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import akka.stream.javadsl.Sink;
import io.squall.persistence.Device;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One device incarnation's writer of its aggregate rows, in every version that must hold them: the
 * version serving when it started, and a version being built once the device's journal was rebuilt
 * into it. The device is the rows' single writer, so the rows it wrote last are kept in memory; a
 * row it does not hold is read only if the device recorded readings in its period before.
 *
 * <p>Called by its Device one call at a time, each after the previous one completed.
 */
final class DeviceRowsWriter {
  /** Rows kept per version: the latest days and months, where the next event most likely falls. */
  private static final int CACHED_ROWS = 6;

  /** A rebuild writes the rows it folded after this many events, and at the end. */
  private static final int REBUILD_FLUSH_EVENTS = 100;

  /** What every writer of a node shares. */
  record Context(
      AggregatesRepository repository,
      Supplier<ProjectionVersions.State> versions,
      CurrentEventsByPersistenceIdQuery journal,
      RowMeters meters,
      RowCache cache) {}

  private final ActorSystem<?> system;
  private final String deviceId;
  private final Context projection;
  private final AggregatesRepository repository;

  /** Versions whose rows hold every event this device projected so far. */
  private final Set<Integer> whole = new HashSet<>();

  /** Versions being built that this device was not rebuilt into yet (it waits for the rebuild). */
  private final Set<Integer> notYet = new HashSet<>();

  private final Map<Integer, LinkedHashMap<Period, PeriodRow>> cache =
      new java.util.concurrent.ConcurrentHashMap<>();

  DeviceRowsWriter(ActorSystem<?> system, String deviceId, Context context) {
    this.system = system;
    this.deviceId = deviceId;
    this.projection = context;
    this.repository = context.repository();
    whole.add(context.versions().get().current());
  }

  /** The rows of {@code event}, number {@code sequenceNr}, in every version that needs them. */
  CompletionStage<Done> project(
      Device.ReadingsRecorded event, long sequenceNr, Device.PriorPeriods prior) {
    Instant since = projection.meters().started(deviceId);
    Map<Period, Map<String, Aggregate>> contributions = EventFold.contributions(event);
    CompletionStage<Done> registered =
        sequenceNr == 1 ? repository.registerDevice(deviceId) : done();
    return registered
        .thenCompose(d -> versionsToWrite(sequenceNr - 1))
        .thenCompose(
            versions ->
                all(
                    versions.stream()
                        .map(v -> projectInto(v, contributions, sequenceNr, prior))
                        .toList()))
        .whenComplete((d, failure) -> projection.meters().finished(deviceId, since));
  }

  /**
   * The versions an event after {@code previousSeq} goes to: the serving one, any being built, and
   * any this device is whole in that is not retired (this node may not have read the versions since
   * a rebuild began) — each once this device's rows there are whole. A device with no earlier event
   * is whole anywhere; a serving version it is not whole in (reads switched while it was running)
   * is caught up first.
   */
  private CompletionStage<List<Integer>> versionsToWrite(long previousSeq) {
    ProjectionVersions.State state = projection.versions().get();
    java.util.SortedSet<Integer> candidates = new java.util.TreeSet<>();
    candidates.add(state.current());
    state.building().ifPresent(candidates::add);
    whole.stream().filter(v -> v >= state.current()).forEach(candidates::add);
    CompletionStage<List<Integer>> chosen = CompletableFuture.completedFuture(new ArrayList<>());
    for (int version : candidates) {
      boolean serving = version == state.current();
      chosen =
          chosen.thenCompose(
              list ->
                  ensureWhole(version, previousSeq, serving)
                      .thenApply(
                          isWhole -> {
                            if (isWhole) {
                              list.add(version);
                            }
                            return list;
                          }));
    }
    return chosen;
  }

  private CompletionStage<Boolean> ensureWhole(int version, long previousSeq, boolean serving) {
    if (whole.contains(version)) {
      return CompletableFuture.completedFuture(true);
    }
    if (!serving && notYet.contains(version)) {
      return CompletableFuture.completedFuture(false);
    }
    return repository
        .rebuilt(version, deviceId)
        .thenCompose(
            rebuilt -> {
              if (rebuilt.isPresent()) {
                return catchUp(version, rebuilt.get(), previousSeq).thenApply(d -> true);
              }
              if (previousSeq == 0) {
                return repository
                    .markRebuilt(version, deviceId, 0)
                    .thenApply(
                        d -> {
                          whole.add(version);
                          return true;
                        });
              }
              if (serving) {
                return replayInto(version, previousSeq).thenApply(d -> true);
              }
              notYet.add(version);
              return CompletableFuture.completedFuture(false);
            });
  }

  /**
   * {@code version}'s rows hold this device's journal up to {@code marked}: folds the events after
   * it up to {@code lastSeq} (an earlier incarnation may have journaled them while it was not whole
   * there, or its replay may have ended after it stopped), then marks the device whole to {@code
   * lastSeq}.
   */
  private CompletionStage<Done> catchUp(int version, long marked, long lastSeq) {
    CompletionStage<Done> folded =
        marked < lastSeq
            ? reproject(version, marked + 1, lastSeq)
                .thenCompose(d -> repository.markRebuilt(version, deviceId, lastSeq))
            : done();
    return folded.thenApply(
        d -> {
          whole.add(version);
          notYet.remove(version);
          return d;
        });
  }

  /**
   * Folds the contributions of event {@code sequenceNr} into {@code version}'s rows: rows it holds
   * come from memory, rows of periods with earlier readings from the table, the rest start empty.
   */
  private CompletionStage<Done> projectInto(
      int version,
      Map<Period, Map<String, Aggregate>> contributions,
      long sequenceNr,
      Device.PriorPeriods prior) {
    LinkedHashMap<Period, PeriodRow> held = cached(version);
    List<Period> toRead = new ArrayList<>();
    for (Period period : contributions.keySet()) {
      if (!held.containsKey(period) && existedBefore(period, prior)) {
        toRead.add(period);
      }
    }
    CompletionStage<Map<Period, PeriodRow>> read =
        toRead.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : repository.load(version, deviceId, toRead);
    return read.thenCompose(
        stored -> {
          Map<Period, PeriodRow> current = new HashMap<>(stored);
          contributions.keySet().forEach(p -> current.putIfAbsent(p, held.get(p)));
          return fold(version, contributions, sequenceNr, current);
        });
  }

  private static boolean existedBefore(Period period, Device.PriorPeriods prior) {
    return period instanceof Period.Day day
        ? prior.days().contains(day.date())
        : prior.months().contains(((Period.Month) period).month());
  }

  /** Folds, writes what changed, and keeps the rows as written. */
  private CompletionStage<Done> fold(
      int version,
      Map<Period, Map<String, Aggregate>> contributions,
      long sequenceNr,
      Map<Period, PeriodRow> current) {
    List<PeriodRow> changed = new ArrayList<>();
    Map<Period, PeriodRow> after = new LinkedHashMap<>();
    contributions.forEach(
        (period, contribution) -> {
          PeriodRow row = current.get(period);
          PeriodRow base = row == null ? PeriodRow.empty(period) : row;
          PeriodRow next = base.plus(contribution, sequenceNr);
          if (next != base) {
            changed.add(next);
          }
          after.put(period, next);
        });
    return save(version, changed)
        .thenApply(
            d -> {
              projection.meters().written(version, 1, changed.size());
              LinkedHashMap<Period, PeriodRow> held = cached(version);
              after.forEach(held::put);
              return Done.getInstance();
            });
  }

  private LinkedHashMap<Period, PeriodRow> cached(int version) {
    return cache.computeIfAbsent(
        version,
        v ->
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<Period, PeriodRow> eldest) {
                return size() > CACHED_ROWS;
              }
            });
  }

  /**
   * After a recovery to {@code lastSeq}: the last event may have been journaled without its rows (a
   * crash, a failed write), and only the last, as the device takes no command before an event's
   * rows are durable. When the state knows the event's days, their rows tell: if every one holds
   * the event already, nothing is read from the journal. Otherwise the event (replayed, or read
   * back) is folded again into the serving version's rows: rows that hold it already are left as
   * they are. A version being built that this device was rebuilt into is caught up from its mark,
   * the last event included.
   */
  CompletionStage<Done> recover(
      long lastSeq,
      Optional<Device.ReadingsRecorded> lastEvent,
      Optional<Set<LocalDate>> lastEventDays) {
    Instant since = projection.meters().started(deviceId);
    ProjectionVersions.State state = projection.versions().get();
    int current = state.current();
    CompletionStage<Done> registered = lastSeq == 1 ? repository.registerDevice(deviceId) : done();
    CompletionStage<Done> serving =
        registered.thenCompose(
            d ->
                lastEvent.isEmpty() && lastEventDays.isPresent()
                    ? rowsHold(current, lastSeq, lastEventDays.get())
                        .thenCompose(hold -> hold ? done() : foldAgain(current, lastSeq, lastEvent))
                    : foldAgain(current, lastSeq, lastEvent));
    CompletionStage<Done> building =
        state.building().isEmpty()
            ? serving
            : serving.thenCompose(d -> recoverBuilding(state.building().getAsInt(), lastSeq));
    return building.whenComplete((d, failure) -> projection.meters().finished(deviceId, since));
  }

  /** Whether the rows of {@code days} and their months all hold event {@code lastSeq}. */
  private CompletionStage<Boolean> rowsHold(int version, long lastSeq, Set<LocalDate> days) {
    Set<Period> periods = new HashSet<>();
    for (LocalDate date : days) {
      Period.Day day = new Period.Day(date);
      periods.add(day);
      periods.add(day.month());
    }
    if (periods.isEmpty()) {
      return CompletableFuture.completedFuture(true);
    }
    return repository
        .load(version, deviceId, periods)
        .thenApply(
            stored -> {
              boolean hold =
                  periods.stream()
                      .allMatch(p -> stored.containsKey(p) && stored.get(p).lastSeq() >= lastSeq);
              if (hold) {
                cached(version).putAll(stored);
              }
              return hold;
            });
  }

  /** Folds the last event, replayed or read back from the journal, into {@code version}'s rows. */
  private CompletionStage<Done> foldAgain(
      int version, long lastSeq, Optional<Device.ReadingsRecorded> lastEvent) {
    CompletionStage<Device.ReadingsRecorded> event =
        lastEvent
            .map(CompletableFuture::completedFuture)
            .map(f -> (CompletionStage<Device.ReadingsRecorded>) f)
            .orElseGet(() -> journalEvent(lastSeq));
    return event.thenCompose(
        recorded -> {
          Map<Period, Map<String, Aggregate>> contributions = EventFold.contributions(recorded);
          return repository
              .load(version, deviceId, contributions.keySet())
              .thenCompose(stored -> fold(version, contributions, lastSeq, stored));
        });
  }

  private CompletionStage<Done> recoverBuilding(int building, long lastSeq) {
    return repository
        .rebuilt(building, deviceId)
        .thenCompose(
            rebuilt -> {
              if (rebuilt.isEmpty()) {
                notYet.add(building);
                return done();
              }
              // the mark's own last event may lack its rows too: fold from it at the latest
              long from = Math.min(rebuilt.get(), lastSeq - 1);
              return catchUp(building, from, lastSeq);
            });
  }

  /** Rebuilds {@code version} from this device's journal, unless its rows there are whole. */
  CompletionStage<Done> rebuild(int version, long lastSeq) {
    if (whole.contains(version)) {
      return done();
    }
    return repository
        .rebuilt(version, deviceId)
        .thenCompose(
            rebuilt ->
                rebuilt.isPresent()
                    ? catchUp(version, rebuilt.get(), lastSeq)
                    : replayInto(version, lastSeq));
  }

  /**
   * Folds events 1 to {@code lastSeq} of the journal into fresh rows of {@code version}, writes
   * them, then records the device as rebuilt there. Rows a killed earlier attempt wrote are
   * overwritten, or kept where they are newer: every row is written with its last sequence number
   * as its timestamp, and the fold is the same each time.
   */
  private CompletionStage<Done> replayInto(int version, long lastSeq) {
    Map<Period, PeriodRow> rows = new HashMap<>();
    Set<Period> dirty = new HashSet<>();
    int[] events = {0};
    return projection
        .journal()
        .currentEventsByPersistenceId(Device.persistenceId(deviceId).id(), 1, lastSeq)
        .grouped(REBUILD_FLUSH_EVENTS)
        .mapAsync(
            1,
            envelopes -> {
              for (EventEnvelope envelope : envelopes) {
                if (envelope.event() instanceof Device.ReadingsRecorded recorded) {
                  events[0]++;
                  EventFold.contributions(recorded)
                      .forEach(
                          (period, contribution) -> {
                            PeriodRow row = rows.getOrDefault(period, PeriodRow.empty(period));
                            rows.put(period, row.plus(contribution, envelope.sequenceNr()));
                            dirty.add(period);
                          });
                }
              }
              List<PeriodRow> changed = dirty.stream().map(rows::get).toList();
              dirty.clear();
              return save(version, changed)
                  .thenApply(
                      d -> {
                        projection.meters().written(version, envelopes.size(), changed.size());
                        return d;
                      });
            })
        .runWith(Sink.ignore(), system)
        .thenCompose(d -> repository.markRebuilt(version, deviceId, lastSeq))
        .thenApply(
            d -> {
              whole.add(version);
              notYet.remove(version);
              cache.remove(version);
              return d;
            });
  }

  /**
   * Folds events {@code fromSeq} to {@code toSeq} of the journal into {@code version}'s rows as
   * stored, one event at a time: what re-projecting a suffix of the journal does. Rows that hold an
   * event already are left as they are, so this changes nothing where the rows are whole.
   */
  CompletionStage<Done> reproject(int version, long fromSeq, long toSeq) {
    cache.remove(version);
    return projection
        .journal()
        .currentEventsByPersistenceId(Device.persistenceId(deviceId).id(), fromSeq, toSeq)
        .mapAsync(
            1,
            envelope -> {
              Device.ReadingsRecorded recorded = (Device.ReadingsRecorded) envelope.event();
              Map<Period, Map<String, Aggregate>> contributions = EventFold.contributions(recorded);
              return repository
                  .load(version, deviceId, contributions.keySet())
                  .thenCompose(
                      stored -> fold(version, contributions, envelope.sequenceNr(), stored));
            })
        .runWith(Sink.ignore(), system)
        .thenApply(
            d -> {
              cache.remove(version);
              return d;
            });
  }

  /** Writes {@code rows}, then tells the node's cache what the table holds. */
  private CompletionStage<Done> save(int version, List<PeriodRow> rows) {
    return repository
        .save(version, deviceId, rows)
        .whenComplete(
            (d, failure) -> {
              if (failure == null) {
                projection.cache().written(deviceId, version, rows);
              } else {
                projection.cache().failed(deviceId, version, rows);
              }
            });
  }

  /** Event {@code sequenceNr} of this device, read from the journal. */
  private CompletionStage<Device.ReadingsRecorded> journalEvent(long sequenceNr) {
    return projection
        .journal()
        .currentEventsByPersistenceId(Device.persistenceId(deviceId).id(), sequenceNr, sequenceNr)
        .runWith(Sink.headOption(), system)
        .thenApply(
            envelope ->
                envelope
                    .map(e -> (Device.ReadingsRecorded) e.event())
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "event "
                                    + sequenceNr
                                    + " of device "
                                    + deviceId
                                    + " is not in the journal")));
  }

  private static CompletionStage<Done> done() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private static CompletionStage<Done> all(List<CompletionStage<Done>> stages) {
    return CompletableFuture.allOf(
            stages.stream()
                .map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new))
        .thenApply(v -> Done.getInstance());
  }
}
