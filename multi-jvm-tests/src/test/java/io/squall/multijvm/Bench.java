package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.ProcessCpu;
import io.squall.projections.AggregatesProjection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the node benchmarks share: their options, a fast producer, a CQL session on the node's
 * tables, the node's JVM, and the CPU each process used.
 */
final class Bench {
  /** How often a benchmark checks whether the node is done. */
  static final Duration POLL = Duration.ofSeconds(1);

  private Bench() {}

  /** {@code --name value} pairs over {@code defaults}; an unknown name fails, naming the known. */
  static Map<String, String> options(String[] args, Map<String, String> defaults) {
    Map<String, String> options = new LinkedHashMap<>(defaults);
    List<String> words =
        List.of(String.join(" ", args).trim().split("\\s+")).stream()
            .filter(w -> !w.isEmpty())
            .toList();
    for (int i = 0; i < words.size(); i += 2) {
      String name = words.get(i).replaceFirst("^--", "");
      if (!defaults.containsKey(name) || i + 1 >= words.size()) {
        throw new IllegalArgumentException(
            "expected options among --" + String.join(" N, --", defaults.keySet()) + ": " + words);
      }
      options.put(name, words.get(i + 1));
    }
    return options;
  }

  /**
   * The node's JVM: an explicit heap, the collector Squall ships with (parallel), and the full JIT
   * (C2), unlike the tests' nodes; then any options in {@code SQUALL_BENCH_NODE_OPTS} (e.g. {@code
   * -Dsquall.ingest.batches-in-flight=2}, or {@code -XX:-UseParallelGC -XX:+UseG1GC}).
   */
  static List<String> nodeJvm(String heap) {
    List<String> jvm = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseParallelGC"));
    String extra = System.getenv().getOrDefault("SQUALL_BENCH_NODE_OPTS", "").trim();
    if (!extra.isEmpty()) {
      jvm.addAll(List.of(extra.split("\\s+")));
    }
    return jvm;
  }

  /** Sends whole records as fast as the broker takes them; fails on the first refused one. */
  static final class Producer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    Producer() {
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers(),
                  ProducerConfig.ACKS_CONFIG, "all",
                  ProducerConfig.LINGER_MS_CONFIG, "10",
                  ProducerConfig.BATCH_SIZE_CONFIG, "262144",
                  ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
              new StringSerializer(),
              new ByteArraySerializer());
    }

    void send(String topic, String key, byte[] value) {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
          });
    }

    /** Waits until the broker acknowledged everything sent. */
    void flush() throws Exception {
      producer.flush();
      if (failure.get() != null) {
        throw failure.get();
      }
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(10));
    }
  }

  static CqlSession cql() {
    String[] hostPort = LocalInfra.cassandraContactPoint().split(":");
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  /** The version of the aggregate tables that serves reads, or -1 before the node made it. */
  static int servingVersion(CqlSession cql, String keyspace) {
    try {
      Row row =
          cql.execute(
                  "SELECT current FROM "
                      + keyspace
                      + ".projection_versions WHERE projection = '"
                      + AggregatesProjection.NAME
                      + "'")
              .one();
      return row == null ? -1 : row.getInt("current");
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Each metric's reading count in the {@code kind} rows (day or month) among {@code rows} of the
   * aggregates table (a {@code metrics} map of {@code (count, min, max, sum, sum_sq)} tuples per
   * row), summed.
   */
  static Map<String, Long> metricCounts(Iterable<Row> rows, String kind) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row row : rows) {
      if (row.getString("kind").equals(kind)) {
        row.getMap("metrics", String.class, com.datastax.oss.driver.api.core.data.TupleValue.class)
            .forEach((metric, aggregate) -> counts.merge(metric, aggregate.getLong(0), Long::sum));
      }
    }
    return counts;
  }

  /** CPU seconds used so far by the node, Cassandra and Kafka (0 for what is not found). */
  static Map<String, Double> cpu(long nodePid) {
    Map<String, Double> cpu = new LinkedHashMap<>();
    cpu.put("node", ProcessCpu.seconds(nodePid).orElse(0));
    for (String server : List.of("cassandra", "kafka")) {
      OptionalLong pid = ProcessCpu.serverPid(server);
      OptionalDouble seconds =
          pid.isPresent() ? ProcessCpu.seconds(pid.getAsLong()) : OptionalDouble.empty();
      cpu.put(server, seconds.orElse(0));
    }
    return cpu;
  }

  /** One line: each process's CPU seconds between {@code before} and {@code after}. */
  static String cpuUsed(Map<String, Double> before, Map<String, Double> after, double wall) {
    StringBuilder line = new StringBuilder();
    after.forEach(
        (who, seconds) -> {
          double used = seconds - before.getOrDefault(who, 0.0);
          line.append(
              String.format(
                  "%s%s %.1f s (%.0f%% of one core)",
                  line.length() == 0 ? "" : ", ", who, used, 100 * used / wall));
        });
    return line.toString();
  }

  /** What {@code jcmd PID COMMAND} prints, or why it could not run. */
  static String jcmd(long pid, String command) {
    try {
      Process jcmd =
          new ProcessBuilder(
                  java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(pid),
                  command)
              .redirectErrorStream(true)
              .start();
      String out = new String(jcmd.getInputStream().readAllBytes());
      jcmd.waitFor();
      return out;
    } catch (Exception e) {
      return "jcmd failed: " + e;
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
