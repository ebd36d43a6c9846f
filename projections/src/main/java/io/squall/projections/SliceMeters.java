package io.squall.projections;

import akka.Done;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.javadsl.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.squall.persistence.Device;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A slice's meters, from the projection's own progress (no query): {@code
 * squall_projection_events_total} folded, and {@code squall_projection_offset_age_seconds}, how old
 * the newest event of the last group was when it was folded — the time from journal to aggregate
 * row, which stays at its last value while the slice is idle and is removed when the slice stops
 * here (moved to another node, or its version retired).
 */
final class SliceMeters {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Counter events;
  private final AtomicLong offsetAgeMillis = new AtomicLong();
  private final AtomicReference<Gauge> age = new AtomicReference<>();

  SliceMeters(MeterRegistry registry, int version, int slice) {
    this.registry = registry;
    this.tags =
        Tags.of("projection", AggregatesProjection.NAME, "version", Integer.toString(version))
            .and("slice", Integer.toString(slice));
    this.events =
        Counter.builder("squall.projection.events")
            .description("Journal events folded into the aggregate tables")
            .tags(tags)
            .register(registry);
  }

  /** The age gauge lives while this node runs the slice: a slice that moved away has none here. */
  private void startAge() {
    age.set(
        Gauge.builder(
                "squall.projection.offset.age", offsetAgeMillis, millis -> millis.get() / 1000.0)
            .description("Age of the newest event of the slice's last group when it was folded")
            .baseUnit("seconds")
            .tags(tags)
            .strongReference(true)
            .register(registry));
  }

  private void stopAge() {
    Gauge gauge = age.getAndSet(null);
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  /** {@code handler}, counted. */
  Handler<List<EventEnvelope<Device.Event>>> count(
      Handler<List<EventEnvelope<Device.Event>>> handler) {
    return new Handler<>() {
      @Override
      public CompletionStage<Done> start() {
        startAge();
        return handler.start();
      }

      @Override
      public CompletionStage<Done> stop() {
        stopAge();
        return handler.stop();
      }

      @Override
      public CompletionStage<Done> process(List<EventEnvelope<Device.Event>> envelopes)
          throws Exception {
        return handler
            .process(envelopes)
            .thenApply(
                done -> {
                  if (!envelopes.isEmpty()) {
                    events.increment(envelopes.size());
                    long newest = Long.MIN_VALUE;
                    for (EventEnvelope<Device.Event> envelope : envelopes) {
                      newest = Math.max(newest, envelope.timestamp());
                    }
                    offsetAgeMillis.set(Math.max(0, System.currentTimeMillis() - newest));
                  }
                  return done;
                });
      }
    };
  }
}
