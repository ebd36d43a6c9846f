package io.squall.multijvm;

import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test input and the load that sends it: ISD-lite lines of the bundled five stations, keyed by
 * device id as {@code squall load} keys them, sent at a steady rate so that a fault lands in the
 * middle of the load.
 */
final class Load implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  final List<String> lines;
  private final long start = System.nanoTime();

  /**
   * The lines of the 2008–2014 file of five stations whose year is in {@code years}, ordered by
   * hour (a stable sort: each device's lines keep their file order, so the first one still wins) so
   * that every device gets readings all along the load. Two stations' series are repeated.
   */
  static List<String> stations(int... years) {
    return STATIONS.computeIfAbsent(java.util.Arrays.toString(years), key -> read(years));
  }

  private static final java.util.Map<String, List<String>> STATIONS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static List<String> read(int... years) {
    List<String> all = NoaaFile.lines(NoaaFile.bundled("sfo-nyc-mia-lax-chi-2008-2014.csv.zip"));
    List<String[]> keyed = new java.util.ArrayList<>();
    for (String line : all) {
      String[] columns = line.split(",", 6);
      int year = Integer.parseInt(columns[1].trim());
      for (int y : years) {
        if (y == year) {
          String hour =
              String.format(
                  "%04d%02d%02d%02d",
                  year,
                  Integer.parseInt(columns[2].trim()),
                  Integer.parseInt(columns[3].trim()),
                  Integer.parseInt(columns[4].trim()));
          keyed.add(new String[] {hour, line});
        }
      }
    }
    keyed.sort(Comparator.comparing((String[] k) -> k[0]));
    return keyed.stream().map(k -> k[1]).toList();
  }

  /** Starts sending {@code lines} to {@code topic} at about {@code perSecond} records a second. */
  static Load start(String topic, List<String> lines, int perSecond) {
    return new Load(topic, lines, perSecond);
  }

  private Load(String topic, List<String> lines, int perSecond) {
    this.lines = lines;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // survives a broker restart: keeps retrying the batches it holds
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    Thread sender =
        new Thread(
            () -> {
              try {
                int chunk = Math.max(1, perSecond / 20);
                long next = System.nanoTime();
                for (int i = 0; i < lines.size(); i++) {
                  if (failure.get() != null) {
                    throw failure.get();
                  }
                  String line = lines.get(i);
                  producer.send(
                      new ProducerRecord<>(
                          topic,
                          line.split(",", 2)[0].trim(),
                          line.getBytes(StandardCharsets.UTF_8)),
                      (metadata, error) -> {
                        if (error != null) {
                          failure.compareAndSet(null, error);
                        } else {
                          acked.incrementAndGet();
                        }
                      });
                  if (i % chunk == chunk - 1) {
                    next += 50_000_000L;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    }
                  }
                }
                producer.flush();
                if (failure.get() != null) {
                  throw failure.get();
                }
                Harness.say(
                    "load done: %,d records acknowledged in %s",
                    acked.get(), Harness.seconds(System.nanoTime() - start));
                done.complete(acked.get());
              } catch (Exception e) {
                done.completeExceptionally(e);
              }
            },
            "multi-jvm-load");
    sender.setDaemon(true);
    sender.start();
  }

  long acked() {
    return acked.get();
  }

  boolean isDone() {
    return done.isDone();
  }

  /** Waits until the broker acknowledged every line; fails if it refused one. */
  long await(Duration timeout) throws Exception {
    long records = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (records != lines.size()) {
      throw new AssertionError(
          "sent " + lines.size() + " lines but " + records + " were acknowledged");
    }
    return records;
  }

  /**
   * Every record of {@code topic} as the node reads it: partition by partition, each in offset
   * order (a device's records share a partition). An idempotent producer may still write a batch
   * twice across a broker restart (a retry under a new producer epoch), so this, not the lines
   * sent, is what the answers must match.
   */
  static List<String> readBack(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<String> values = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        while (consumer.position(partition, Duration.ofSeconds(30)) < end.get(partition)) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
          }
        }
      }
      return values;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
