package io.squall.sharding;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this node's consumer did since it started: every record is accounted for. The same counts
 * are the node's {@code squall_readings_*} and {@code squall_consumer_*} meters.
 */
public final class IngestStats {
  private final LongAdder records = new LongAdder();
  private final LongAdder recorded = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder stalls = new LongAdder();
  private final LongAdder incarnations = new LongAdder();
  private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
  private final Map<BadReadingException.Kind, Counter> deadLettersByKind =
      new EnumMap<>(BadReadingException.Kind.class);
  private final Timer batches;
  private final Timer asks;

  /** A point-in-time copy of the counters. */
  public record Snapshot(
      long records,
      long recorded,
      long duplicates,
      long redelivered,
      long deadLetters,
      long restarts,
      long stalls) {}

  IngestStats(MeterRegistry registry) {
    readings(registry, "received", records, "Records taken from the readings topic, bad ones too");
    readings(registry, "recorded", recorded, "Readings journaled for the first time");
    readings(registry, "duplicates", duplicates, "Readings of a (device, time) already recorded");
    readings(registry, "redelivered", redelivered, "Records at or below a device's applied offset");
    for (BadReadingException.Kind kind : BadReadingException.Kind.values()) {
      deadLettersByKind.put(
          kind,
          Counter.builder("squall.dead.letters")
              .description("Records sent to the dead-letter topic, by kind of fault")
              .tag("reason", kind.label())
              .register(registry));
    }
    FunctionCounter.builder("squall.consumer.restarts", this, IngestStats::restarts)
        .description("Restarts of the readings consumer from its last commit, stalls included")
        .register(registry);
    FunctionCounter.builder("squall.consumer.stalls", stalls, LongAdder::sum)
        .description("Restarts because no batch completed within squall.ingest.stall-timeout")
        .register(registry);
    this.batches =
        Timer.builder("squall.consumer.batch")
            .description("A batch from decoding to its offsets ready to commit")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    this.asks =
        Timer.builder("squall.device.ask")
            .description("An ask of a device's entity to record a part of a batch, until answered")
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(registry);
  }

  private static void readings(
      MeterRegistry registry, String what, LongAdder count, String description) {
    FunctionCounter.builder("squall.readings." + what, count, LongAdder::sum)
        .description(description)
        .register(registry);
  }

  void batchDone(
      int batchRecords,
      int batchRecorded,
      int batchDuplicates,
      int batchRedelivered,
      long startedNanos) {
    records.add(batchRecords);
    recorded.add(batchRecorded);
    duplicates.add(batchDuplicates);
    redelivered.add(batchRedelivered);
    long now = System.nanoTime();
    lastProgressNanos.set(now);
    batches.record(Duration.ofNanos(now - startedNanos));
  }

  void asked(long startedNanos) {
    asks.record(Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  void deadLetter(BadReadingException.Kind kind) {
    deadLetters.increment();
    deadLettersByKind.get(kind).increment();
  }

  void started() {
    incarnations.increment();
    progressed();
  }

  void stalled() {
    stalls.increment();
  }

  /** Incarnations after the first: every restart from the last commit, stalls included. */
  private long restarts() {
    return Math.max(0, incarnations.sum() - 1);
  }

  long nanosSinceProgress() {
    return System.nanoTime() - lastProgressNanos.get();
  }

  void progressed() {
    lastProgressNanos.set(System.nanoTime());
  }

  public Snapshot snapshot() {
    return new Snapshot(
        records.sum(),
        recorded.sum(),
        duplicates.sum(),
        redelivered.sum(),
        deadLetters.sum(),
        restarts(),
        stalls.sum());
  }
}
