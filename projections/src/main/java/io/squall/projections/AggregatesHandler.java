package io.squall.projections;

import akka.Done;
import akka.persistence.query.TimeBasedUUID;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.javadsl.Handler;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a group of journal events into daily and monthly rows. Replay-safe: each row remembers the
 * highest sequence number of its device's events it holds, and an event at or below it is skipped,
 * so replaying from any offset leaves every row as it was. One projection instance owns a slice's
 * devices, so rows have one writer; rows it wrote are kept in a bounded cache to spare reads.
 *
 * <p>When a group ends on an event older than one it folded before (events-by-tag hands delayed
 * events over late), the newest offset folded is recorded as the slice's {@link SliceHighWater}. A
 * (re)started handler clears it first: the slice resumes from its stored offset, which may have
 * been set back.
 */
public final class AggregatesHandler extends Handler<List<EventEnvelope<Device.Event>>> {
  private static final Logger log = LoggerFactory.getLogger(AggregatesHandler.class);
  private static final int CACHE_ROWS = 50_000;
  private static final long SECONDS_PER_DAY = 86_400;

  private final AggregatesRepository repository;
  private final int version;
  private final HighWater slice;
  private TimeBasedUUID highWater;
  private TimeBasedUUID recorded;
  private final Map<AggregateRow.Key, AggregateRow> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<AggregateRow.Key, AggregateRow> eldest) {
          return size() > CACHE_ROWS;
        }
      };

  /** Where a handler keeps its slice's high water. */
  public interface HighWater {
    /** Stores {@code offset} as the newest event the slice has folded. */
    CompletionStage<Done> record(UUID offset);

    /** Forgets the stored high water. */
    CompletionStage<Done> clear();
  }

  /**
   * A handler of {@code version}'s rows for the slice whose high water {@code slice} keeps (a
   * failure to store or clear it is logged, and never stops the folding).
   */
  public AggregatesHandler(AggregatesRepository repository, int version, HighWater slice) {
    this.repository = repository;
    this.version = version;
    this.slice = slice;
  }

  @Override
  public CompletionStage<Done> start() {
    return slice.clear().handle((done, failure) -> logged("clear", failure));
  }

  private Done logged(String what, Throwable failure) {
    if (failure != null) {
      log.warn(
          "Could not {} the high water of aggregates version {}: {}",
          what,
          version,
          failure.toString());
    }
    return Done.getInstance();
  }

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<Device.Event>> envelopes) {
    return fold(envelopes).thenCompose(folded -> recordHighWater(envelopes));
  }

  /**
   * After a group is folded: if the offset the projection is about to store is older than the
   * newest it has folded, records the newest, once.
   */
  private CompletionStage<Done> recordHighWater(List<EventEnvelope<Device.Event>> envelopes) {
    for (EventEnvelope<Device.Event> envelope : envelopes) {
      if (envelope.offset() instanceof TimeBasedUUID offset
          && (highWater == null || offset.compareTo(highWater) > 0)) {
        highWater = offset;
      }
    }
    if (envelopes.isEmpty()
        || highWater == null
        || highWater.equals(recorded)
        || !(envelopes.get(envelopes.size() - 1).offset() instanceof TimeBasedUUID stored)
        || stored.compareTo(highWater) >= 0) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    TimeBasedUUID newest = highWater;
    return slice
        .record(newest.value())
        .handle(
            (done, failure) -> {
              if (failure == null) {
                recorded = newest;
              }
              return logged("record", failure);
            });
  }

  private CompletionStage<Done> fold(List<EventEnvelope<Device.Event>> envelopes) {
    Map<AggregateRow.Key, NavigableMap<Long, Aggregate>> contributions = contributions(envelopes);
    if (contributions.isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    List<AggregateRow.Key> missing =
        contributions.keySet().stream().filter(key -> !cache.containsKey(key)).toList();
    CompletionStage<Map<AggregateRow.Key, AggregateRow>> loaded =
        missing.isEmpty()
            ? CompletableFuture.completedFuture(Map.of())
            : repository.load(version, missing);
    return loaded.thenCompose(
        stored -> {
          List<AggregateRow> changed = new ArrayList<>();
          contributions.forEach(
              (key, bySequence) -> {
                AggregateRow current = cache.containsKey(key) ? cache.get(key) : stored.get(key);
                AggregateRow next = apply(key, current, bySequence);
                if (next != current) {
                  changed.add(next);
                }
              });
          if (changed.isEmpty()) {
            return CompletableFuture.completedFuture(Done.getInstance());
          }
          return repository
              .save(version, changed)
              .thenApply(
                  saved -> {
                    changed.forEach(row -> cache.put(row.key(), row));
                    return saved;
                  });
        });
  }

  /** {@code current} with the contributions of events after its last sequence number. */
  static AggregateRow apply(
      AggregateRow.Key key, AggregateRow current, NavigableMap<Long, Aggregate> bySequence) {
    long last = current == null ? 0 : current.lastSeq();
    Aggregate aggregate = current == null ? null : current.aggregate();
    long applied = last;
    for (Map.Entry<Long, Aggregate> contribution : bySequence.tailMap(last, false).entrySet()) {
      aggregate =
          aggregate == null ? contribution.getValue() : aggregate.plus(contribution.getValue());
      applied = contribution.getKey();
    }
    return applied == last ? current : new AggregateRow(key, aggregate, applied);
  }

  /**
   * Per row, what each event adds to it, by the event's sequence number. An event's readings are
   * folded per row first, in reading order (the same sums as one by one), so each row gets one
   * contribution per event.
   */
  static Map<AggregateRow.Key, NavigableMap<Long, Aggregate>> contributions(
      List<EventEnvelope<Device.Event>> envelopes) {
    Map<AggregateRow.Key, NavigableMap<Long, Aggregate>> contributions = new LinkedHashMap<>();
    for (EventEnvelope<Device.Event> envelope : envelopes) {
      if (!(envelope.event() instanceof Device.ReadingsRecorded recorded)) {
        continue;
      }
      Map<LocalDate, Map<String, Sum>> days = new LinkedHashMap<>();
      Map<YearMonth, Map<String, Sum>> months = new LinkedHashMap<>();
      long epochDay = Long.MIN_VALUE;
      Map<String, Sum> daySums = null;
      Map<String, Sum> monthSums = null;
      YearMonth yearMonth = null;
      for (Reading reading : recorded.readings()) {
        long readingDay = Math.floorDiv(reading.timestamp().getEpochSecond(), SECONDS_PER_DAY);
        if (readingDay != epochDay) {
          epochDay = readingDay;
          LocalDate date = LocalDate.ofEpochDay(epochDay);
          daySums = days.computeIfAbsent(date, d -> new LinkedHashMap<>());
          YearMonth readingMonth = YearMonth.from(date);
          if (!readingMonth.equals(yearMonth)) {
            yearMonth = readingMonth;
            monthSums = months.computeIfAbsent(yearMonth, m -> new LinkedHashMap<>());
          }
        }
        for (Map.Entry<String, Double> metric : reading.metrics().entrySet()) {
          double value = metric.getValue();
          daySums.computeIfAbsent(metric.getKey(), m -> new Sum()).add(value);
          monthSums.computeIfAbsent(metric.getKey(), m -> new Sum()).add(value);
        }
      }
      long sequenceNr = envelope.sequenceNr();
      String deviceId = recorded.deviceId();
      addAll(
          contributions,
          days,
          (day, metric) -> new AggregateRow.Day(deviceId, metric, day),
          sequenceNr);
      addAll(
          contributions,
          months,
          (month, metric) -> new AggregateRow.Month(deviceId, metric, month),
          sequenceNr);
    }
    return contributions;
  }

  private static <P> void addAll(
      Map<AggregateRow.Key, NavigableMap<Long, Aggregate>> contributions,
      Map<P, Map<String, Sum>> periods,
      BiFunction<P, String, AggregateRow.Key> row,
      long sequenceNr) {
    periods.forEach(
        (period, metrics) ->
            metrics.forEach(
                (metric, sum) ->
                    add(contributions, row.apply(period, metric), sequenceNr, sum.aggregate())));
  }

  /**
   * An {@link Aggregate} built in place, one value at a time: the same arithmetic, in the same
   * order, as {@code Aggregate.of(v1).plus(Aggregate.of(v2))…}, without an object per value.
   */
  private static final class Sum {
    private long count;
    private double min;
    private double max;
    private double sum;
    private double sumOfSquares;

    void add(double value) {
      if (count == 0) {
        min = value;
        max = value;
        sum = value;
        sumOfSquares = value * value;
      } else {
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum = sum + value;
        sumOfSquares = sumOfSquares + value * value;
      }
      count++;
    }

    Aggregate aggregate() {
      return new Aggregate(count, min, max, sum, sumOfSquares);
    }
  }

  private static void add(
      Map<AggregateRow.Key, NavigableMap<Long, Aggregate>> contributions,
      AggregateRow.Key key,
      long sequenceNr,
      Aggregate value) {
    contributions
        .computeIfAbsent(key, k -> new TreeMap<>())
        .merge(sequenceNr, value, Aggregate::plus);
  }
}
