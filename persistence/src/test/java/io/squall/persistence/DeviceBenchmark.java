package io.squall.persistence;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import com.typesafe.config.Config;
import io.squall.persistence.internal.SeenTimestamps;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the Device's figures: bytes of the de-duplication index per station-year of real hourly
 * data, and the time to recover a device with 100,000 readings from the real Cassandra journal.
 * Needs Cassandra ({@code bin/infra start cassandra}); see the README's "Benchmarks".
 */
public final class DeviceBenchmark {
  private static final int READINGS = 100_000;
  private static final int BATCH = 100;
  private static final int RECOVERIES = 30;

  public static void main(String[] args) throws Exception {
    indexSize();
    recovery();
    System.exit(0);
  }

  private static void indexSize() {
    Map<String, SeenTimestamps> byStationYear = new TreeMap<>();
    Map<String, Integer> readings = new TreeMap<>();
    for (Reading reading :
        NoaaFile.readings(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip"))) {
      String key = reading.deviceId() + " " + reading.timestamp().atZone(ZoneOffset.UTC).getYear();
      byStationYear.computeIfAbsent(key, k -> new SeenTimestamps()).add(reading.timestamp());
      readings.merge(key, 1, Integer::sum);
    }
    List<Integer> sizes = new ArrayList<>();
    System.out.println("== de-duplication index, bytes per station-year (2008-2014 file) ==");
    byStationYear.forEach(
        (key, seen) -> {
          int bytes = seen.toBytes().length;
          sizes.add(bytes);
          System.out.printf("%-22s %6d distinct timestamps %6d bytes%n", key, seen.size(), bytes);
        });
    Collections.sort(sizes);
    System.out.printf(
        "station-years: %d, bytes min %d, median %d, max %d%n",
        sizes.size(), sizes.get(0), sizes.get(sizes.size() / 2), sizes.get(sizes.size() - 1));
  }

  private static void recovery() throws Exception {
    Config config = LocalInfra.cassandraPersistence(LocalInfra.uniqueName("bench_recovery"));
    ActorTestKit testKit = ActorTestKit.create("DeviceBenchmark", config);
    DeviceSettings settings = DeviceSettings.create(config);
    String id = "bench-station";
    try {
      ActorRef<Device.Command> device =
          testKit.spawn(Device.create(id, settings, DeviceProjection.NONE));
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
          "written in %.1f s (%,.0f readings/s, one ask at a time)%n",
          writeSeconds, READINGS / writeSeconds);

      measure(testKit, settings, id, "right after the writes (tag-scan watermark not yet flushed)");
      // The journal flushes each device's tag-scan watermark every scanning-flush-interval (30 s);
      // an entity recovering after passivation (2 minutes idle) starts from it.
      Thread.sleep(Long.getLong("bench.wait", 35_000L));
      measure(testKit, settings, id, "after the tag-scan watermark flush (steady state)");
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private static void measure(
      ActorTestKit testKit, DeviceSettings settings, String id, String label) {
    List<Double> millis = new ArrayList<>();
    for (int run = 0; run < RECOVERIES; run++) {
      TestProbe<StatusReply<Device.Summary>> probe = testKit.createTestProbe();
      long t0 = System.nanoTime();
      ActorRef<Device.Command> recovered =
          testKit.spawn(Device.create(id, settings, DeviceProjection.NONE));
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
