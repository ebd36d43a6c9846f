package io.squall.projections;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.DeviceProjection;
import io.squall.persistence.DeviceSettings;
import io.squall.persistence.Reading;
import io.squall.persistence.testing.LocalInfra;
import io.squall.projections.internal.CassandraAggregatesRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prints the Device's figures ({@code bin/squall bench device}): bytes of the de-duplication index
 * per station-year of real hourly data, and the time to recover a device with 100,000 readings from
 * the real Cassandra journal — with its aggregate rows (the recovery folds the last event again
 * where its rows lack it) and, for comparison, without. Needs Cassandra; see docs/benchmarks.md.
 */
public final class DeviceBenchmark {
  private static final int READINGS = 100_000;
  private static final int BATCH = 100;
  private static final int RECOVERIES = 30;

  private DeviceBenchmark() {}

  public static void main(String[] args) throws Exception {
    io.squall.persistence.DeviceBenchmark.indexSize();
    String name = LocalInfra.uniqueName("bench_recovery");
    Config config =
        ConfigFactory.parseString("squall.projections.keyspace = " + name + "_aggr")
            .withFallback(ConfigFactory.parseResources("projections.conf"))
            .withFallback(LocalInfra.clusterOfOne(LocalInfra.cassandraPersistence(name)))
            .resolve();
    ActorTestKit testKit = ActorTestKit.create("DeviceBenchmark", config);
    try {
      LocalInfra.joinSelf(testKit.system());
      CassandraSession session =
          CassandraSessionRegistry.get(testKit.system())
              .sessionFor(CassandraSessionSettings.create());
      ProjectionSettings settings = ProjectionSettings.create(config);
      AggregatesProjection projection =
          AggregatesProjection.init(
                  testKit.system(),
                  settings,
                  new CassandraAggregatesRepository(session, settings.keyspace()),
                  session)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      DeviceProjection rows =
          DeviceRows.of(
              testKit.system(), java.util.concurrent.CompletableFuture.completedFuture(projection));
      recovery(testKit, DeviceSettings.create(config), rows);
    } finally {
      testKit.shutdownTestKit();
    }
    System.exit(0);
  }

  private static void recovery(ActorTestKit testKit, DeviceSettings settings, DeviceProjection rows)
      throws Exception {
    String id = "bench-station";
    ActorRef<Device.Command> device = testKit.spawn(Device.create(id, settings, rows));
    TestProbe<StatusReply<Device.Recorded>> recorded = testKit.createTestProbe();
    Instant start = Instant.parse("2000-01-01T00:00:00Z");
    long writeStart = System.nanoTime();
    for (int from = 0; from < READINGS; from += BATCH) {
      List<Reading> batch = new ArrayList<>(BATCH);
      for (int i = from; i < from + BATCH; i++) {
        batch.add(
            new Reading(
                id,
                start.plus(Duration.ofHours(i)),
                Map.of("temperature", (i % 400) / 10.0, "pressure", 1000.0 + i % 30)));
      }
      device.tell(new Device.Record(batch, Device.Origin.NONE, recorded.getRef()));
      recorded.expectMessageClass(StatusReply.class, Duration.ofSeconds(30));
    }
    double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
    testKit.stop(device);
    System.out.printf(
        "%n== recovery of a device with %,d readings (%d events, snapshot every %d) ==%n",
        READINGS, READINGS / BATCH, settings.snapshotEvery());
    System.out.printf(
        "written with its rows in %.1f s (%,.0f readings/s, one ask of 100 readings at a time)%n",
        writeSeconds, READINGS / writeSeconds);
    measure(testKit, settings, id, rows, "with its aggregate rows (the last event folded again)");
    measure(testKit, settings, id, DeviceProjection.NONE, "the entity alone, for comparison");
  }

  private static void measure(
      ActorTestKit testKit,
      DeviceSettings settings,
      String id,
      DeviceProjection rows,
      String label) {
    List<Double> millis = new ArrayList<>();
    for (int run = 0; run < RECOVERIES; run++) {
      TestProbe<StatusReply<Device.Summary>> probe = testKit.createTestProbe();
      long t0 = System.nanoTime();
      ActorRef<Device.Command> recovered = testKit.spawn(Device.create(id, settings, rows));
      recovered.tell(new Device.GetState(probe.getRef()));
      StatusReply<Device.Summary> answer = probe.receiveMessage(Duration.ofSeconds(30));
      millis.add((System.nanoTime() - t0) / 1e6);
      if (answer.getValue().readings() != READINGS) {
        throw new IllegalStateException("recovered " + answer.getValue().readings() + " readings");
      }
      testKit.stop(recovered);
    }
    List<Double> warm = new ArrayList<>(millis.subList(5, millis.size()));
    Collections.sort(warm);
    System.out.printf(
        "%s:%n  spawn to first answer, %d runs after 5 warm-up: p50 %.1f ms, p90 %.1f ms, max %.1f ms"
            + " (first run %.1f ms)%n",
        label,
        warm.size(),
        warm.get(warm.size() / 2),
        warm.get((int) (warm.size() * 0.9)),
        warm.get(warm.size() - 1),
        millis.get(0));
  }
}
