package io.squall.sharding;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What this node's consumer did since it started: every record is accounted for. */
public final class IngestStats {
  private final LongAdder records = new LongAdder();
  private final LongAdder recorded = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder restarts = new LongAdder();
  private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());

  /** A point-in-time copy of the counters. */
  public record Snapshot(
      long records,
      long recorded,
      long duplicates,
      long redelivered,
      long deadLetters,
      long restarts) {}

  void batchDone(int batchRecords, int batchRecorded, int batchDuplicates, int batchRedelivered) {
    records.add(batchRecords);
    recorded.add(batchRecorded);
    duplicates.add(batchDuplicates);
    redelivered.add(batchRedelivered);
    lastProgressNanos.set(System.nanoTime());
  }

  void deadLetter() {
    deadLetters.increment();
  }

  void restarted() {
    restarts.increment();
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
        restarts.sum());
  }
}
