package io.squall.sharding;

import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import io.squall.persistence.testing.ProcessCpu;
import io.squall.persistence.testing.RawInserts;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Prints end-to-end ingestion figures — readings/s from Kafka to the durable journal with offsets
 * committed — beside a raw Cassandra insert baseline measured in the same run, and the CPU each
 * process used. Needs Kafka and Cassandra ({@code bin/infra start}). Arguments: backfill
 * replication factor (default 20), fan-out devices (default 100000), fan-out rounds (default 5).
 */
public final class IngestBenchmark {
  public static void main(String[] args) throws Exception {
    int copies = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

    double raw = RawInserts.perSecond(200_000);
    System.out.printf("%s%n%n", RawInserts.describe(raw));

    if (copies > 0) {
      backfill(copies);
    }
    fanOut(devices, rounds, raw);
    System.exit(0);
  }

  private static void backfill(int copies) throws Exception {
    List<String> distinct = distinctLines();
    Result backfill =
        run(
            "backfill",
            (producer, topic) -> {
              long sent = 0;
              for (int copy = 0; copy < copies; copy++) {
                for (String line : distinct) {
                  int comma = line.indexOf(',');
                  String device = line.substring(0, comma) + "-" + copy;
                  producer.send(
                      new ProducerRecord<>(
                          topic,
                          device,
                          (device + line.substring(comma)).getBytes(StandardCharsets.UTF_8)));
                  sent++;
                }
              }
              return sent;
            });
    System.out.printf(
        "backfill: %d copies of the 2008-2014 file's %,d distinct readings under synthetic ids%n%s%n",
        copies, distinct.size(), backfill);
  }

  private static void fanOut(int devices, int rounds, double raw) throws Exception {
    Result fanOut =
        run(
            "fanout",
            (producer, topic) -> {
              Instant start = Instant.parse("2024-01-01T00:00:00Z");
              long sent = 0;
              for (int round = 0; round < rounds; round++) {
                String at = start.plusSeconds(3600L * round).toString();
                for (int d = 0; d < devices; d++) {
                  String device = "dev-" + d;
                  String json =
                      "{\"device\":\""
                          + device
                          + "\",\"timestamp\":\""
                          + at
                          + "\",\"metrics\":{\"temperature\":"
                          + (d % 400) / 10.0
                          + "}}";
                  producer.send(
                      new ProducerRecord<>(topic, device, json.getBytes(StandardCharsets.UTF_8)));
                  sent++;
                }
              }
              return sent;
            });
    System.out.printf(
        "fan-out: %,d devices, one reading each per round, %d rounds%n%s%n",
        devices, rounds, fanOut);
    System.out.printf(
        "fan-out / raw single-row inserts = %.2f%n", fanOut.readingsPerSecond() / raw);
  }

  private interface Producing {
    long produce(KafkaProducer<String, byte[]> producer, String topic) throws Exception;
  }

  private record Result(long readings, Duration elapsed, Map<String, Double> cpuSeconds) {
    double readingsPerSecond() {
      return readings / (elapsed.toNanos() / 1e9);
    }

    @Override
    public String toString() {
      StringBuilder cpu = new StringBuilder();
      double wall = elapsed.toNanos() / 1e9;
      cpuSeconds.forEach(
          (who, seconds) ->
              cpu.append(
                  String.format(
                      "  %s %.1f s CPU (%.0f%% of one core)%n",
                      who, seconds, 100 * seconds / wall)));
      return String.format(
              "  %,d readings journaled, offsets committed, in %.1f s: %,.0f readings/s%n",
              readings, wall, readingsPerSecond())
          + cpu;
    }
  }

  /** Produces everything first, then times a fresh node until all is journaled and committed. */
  private static Result run(String name, Producing producing) throws Exception {
    Config world = IngestNode.world("bench_" + name);
    IngestSettings settings = IngestSettings.create(world);
    Topics.ensure(settings);
    long readings;
    try (KafkaProducer<String, byte[]> producer = producer()) {
      readings = producing.produce(producer, settings.topic());
      producer.flush();
    }
    Map<String, Long> before = cpu();
    long start = System.nanoTime();
    try (IngestNode node = IngestNode.start(world, null)) {
      try (org.apache.kafka.clients.admin.Admin admin =
          org.apache.kafka.clients.admin.Admin.create(
              Map.of("bootstrap.servers", (Object) LocalInfra.kafkaBootstrapServers()))) {
        IngestNode.await(
            Duration.ofMinutes(30),
            () ->
                node.consumer.stats().snapshot().records() >= readings
                    && committed(admin, settings) >= readings,
            "every record is journaled and its offset committed");
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      Map<String, Long> after = cpu();
      Map<String, Double> used = new LinkedHashMap<>();
      after.forEach((who, ticks) -> used.put(who, (ticks - before.getOrDefault(who, 0L)) / 1e9));
      if (node.consumer.stats().snapshot().recorded() != readings) {
        throw new IllegalStateException("recorded " + node.consumer.stats().snapshot());
      }
      return new Result(readings, elapsed, used);
    }
  }

  private static long committed(
      org.apache.kafka.clients.admin.Admin admin, IngestSettings settings) {
    try {
      return admin
          .listConsumerGroupOffsets(settings.groupId())
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .mapToLong(o -> o.offset())
          .sum();
    } catch (Exception e) {
      return -1;
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", LocalInfra.kafkaBootstrapServers());
    props.put("acks", "all");
    props.put("linger.ms", "10");
    props.put("batch.size", "262144");
    props.put("compression.type", "lz4");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<String> distinctLines() {
    Set<String> seen = new LinkedHashSet<>();
    List<String> lines = new ArrayList<>();
    for (String line : NoaaFile.lines(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip"))) {
      String[] c = line.split(",", 6);
      if (seen.add(c[0] + c[1] + c[2] + c[3] + c[4])) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** CPU nanoseconds used so far by this JVM, Cassandra and Kafka (from their PID files). */
  private static Map<String, Long> cpu() {
    Map<String, Long> cpu = new LinkedHashMap<>();
    cpu.put(
        "squall node (benchmark JVM)",
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime());
    for (String server : List.of("cassandra", "kafka")) {
      OptionalDouble seconds = OptionalDouble.empty();
      OptionalLong pid = ProcessCpu.serverPid(server);
      if (pid.isPresent()) {
        seconds = ProcessCpu.seconds(pid.getAsLong());
      }
      if (seconds.isPresent()) {
        cpu.put(server, (long) (seconds.getAsDouble() * 1e9));
      } else {
        cpu.put(server + " (not found)", 0L);
      }
    }
    return cpu;
  }
}
