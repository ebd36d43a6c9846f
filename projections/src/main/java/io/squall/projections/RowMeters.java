package io.squall.projections;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's devices whose rows are being written, and the meters of the rows written: {@code
 * squall_projection_events_total} and {@code squall_projection_rows_total} per version, {@code
 * squall_projection_write_seconds} (event persisted to rows durable), and the pending gauges.
 */
public final class RowMeters {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Instant> pending = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> events = new ConcurrentHashMap<>();
  private final Map<Integer, Counter> rows = new ConcurrentHashMap<>();
  private final Timer writes;

  /** What waits for its rows on this node: devices (one event each) and the oldest's age. */
  public record Pending(long devices, long events, double oldestSeconds) {}

  public RowMeters(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.writes =
        Timer.builder("squall.projection.write")
            .description("From an event persisted to its aggregate rows durable")
            .register(registry);
    Gauge.builder("squall.projection.pending.devices", pending, Map::size)
        .description("Devices of this node whose last event's rows are being written")
        .register(registry);
    Gauge.builder("squall.projection.pending.oldest", this, m -> m.pending().oldestSeconds())
        .description("How long the oldest event still waiting for its rows has waited")
        .baseUnit("seconds")
        .register(registry);
  }

  /** {@code deviceId} has an event whose rows are not durable yet; answers when that began. */
  Instant started(String deviceId) {
    Instant now = clock.instant();
    pending.put(deviceId, now);
    return now;
  }

  /** {@code deviceId}'s rows, begun at {@code since}, are durable (or failed). */
  void finished(String deviceId, Instant since) {
    pending.remove(deviceId, since);
    writes.record(Duration.between(since, clock.instant()));
  }

  void written(int version, int events, int rowCount) {
    counter(this.events, "squall.projection.events", "Events whose rows were written", version)
        .increment(events);
    counter(this.rows, "squall.projection.rows", "Aggregate rows written", version)
        .increment(rowCount);
  }

  private Counter counter(Map<Integer, Counter> counters, String name, String help, int version) {
    return counters.computeIfAbsent(
        version,
        v ->
            Counter.builder(name)
                .description(help)
                .tag("projection", AggregatesProjection.NAME)
                .tag("version", Integer.toString(v))
                .register(registry));
  }

  /** What waits for its rows on this node now. */
  public Pending pending() {
    Instant now = clock.instant();
    Instant oldest = pending.values().stream().min(Instant::compareTo).orElse(now);
    return new Pending(
        pending.size(),
        pending.size(),
        Math.max(0, Duration.between(oldest, now).toMillis()) / 1e3);
  }
}
