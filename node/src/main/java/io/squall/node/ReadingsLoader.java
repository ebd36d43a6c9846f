package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.persistence.InvalidReadingException;
import io.squall.persistence.Reading;
import io.squall.sharding.KafkaClientSettings;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces the lines of ISD-lite or JSON-lines files (plain, .gz or .zip) into the readings topic,
 * one record per line, keyed by device id so that a device's records share a partition. Lines are
 * sent as they are: the consumer decodes them and dead-letters what is bad.
 */
public final class ReadingsLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReadingsLoader() {}

  /** What a load sent. */
  public record Summary(long records, long bytes, Duration elapsed) {
    public double recordsPerSecond() {
      return records / Math.max(elapsed.toNanos() / 1e9, 1e-9);
    }
  }

  /** Sends every line of {@code files} to {@code topic}; returns once the broker has them all. */
  public static Summary load(
      List<Path> files, KafkaClientSettings kafka, String topic, PrintStream progress)
      throws IOException {
    long total = 0;
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new IOException("no such file: " + file);
      }
      total += Files.size(file);
    }
    Properties props = kafka.toProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicLong read = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    Progress bar = new Progress(progress, total, read, acked, start);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      bar.start();
      for (Path file : files) {
        try (InputStream in = open(file, read)) {
          forEachLine(
              in,
              line -> {
                if (failure.get() != null) {
                  throw new IOException(
                      "the broker refused a record: " + failure.get().getMessage());
                }
                sent.incrementAndGet();
                producer.send(
                    new ProducerRecord<>(topic, keyOf(line), line),
                    (metadata, error) -> {
                      if (error != null) {
                        failure.compareAndSet(null, error);
                      } else {
                        acked.incrementAndGet();
                      }
                    });
              });
        }
      }
      producer.flush();
    } finally {
      bar.stop();
    }
    if (failure.get() != null) {
      throw new IOException("the broker refused a record: " + failure.get().getMessage());
    }
    return new Summary(acked.get(), total, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * The device id a line is about: ISD-lite's first column, JSON's device; null if none or if it is
   * not a valid id (the consumer dead-letters that line, and a huge key never reaches the broker).
   */
  static String keyOf(byte[] line) {
    String key = candidateKey(line);
    if (key == null) {
      return null;
    }
    try {
      Reading.Limits.checkDeviceId(key);
      return key;
    } catch (InvalidReadingException e) {
      return null;
    }
  }

  private static String candidateKey(byte[] line) {
    if (line.length > Reading.Limits.MAX_RECORD_BYTES) {
      return null;
    }
    int first = 0;
    while (first < line.length && Character.isWhitespace(line[first])) {
      first++;
    }
    if (first < line.length && line[first] == '{') {
      try {
        JsonNode device = JSON.readTree(line).get("device");
        return device != null && device.isTextual() ? device.asText().strip() : null;
      } catch (IOException e) {
        return null;
      }
    }
    int comma = first;
    while (comma < line.length && line[comma] != ',') {
      comma++;
    }
    String key = new String(line, first, comma - first, StandardCharsets.UTF_8).strip();
    return key.isEmpty() || comma == line.length ? null : key;
  }

  private interface LineHandler {
    void accept(byte[] line) throws IOException;
  }

  /** Every line, as raw bytes without its line ending; a final newline ends the last line. */
  private static void forEachLine(InputStream in, LineHandler handler) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    byte[] buffer = new byte[65536];
    boolean pending = false;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          line.write(buffer, from, i - from);
          handler.accept(stripCarriageReturn(line.toByteArray()));
          line.reset();
          from = i + 1;
          pending = false;
        } else {
          pending = true;
        }
      }
      line.write(buffer, from, n - from);
    }
    if (pending) {
      handler.accept(stripCarriageReturn(line.toByteArray()));
    }
  }

  private static byte[] stripCarriageReturn(byte[] line) {
    return line.length > 0 && line[line.length - 1] == '\r'
        ? java.util.Arrays.copyOf(line, line.length - 1)
        : line;
  }

  private static InputStream open(Path file, AtomicLong read) throws IOException {
    InputStream raw =
        new FilterInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              read.addAndGet(n);
            }
            return n;
          }
        };
    String name = file.getFileName().toString();
    if (name.endsWith(".gz")) {
      return new GZIPInputStream(raw, 1 << 16);
    }
    if (name.endsWith(".zip")) {
      ZipInputStream zip = new ZipInputStream(raw);
      ZipEntry entry = zip.getNextEntry();
      while (entry != null && entry.isDirectory()) {
        entry = zip.getNextEntry();
      }
      if (entry == null) {
        throw new IOException(file + " holds no file");
      }
      return zip;
    }
    return raw;
  }

  /** A progress bar on a terminal, a line every 5 s otherwise; silent without a stream. */
  private static final class Progress {
    private final PrintStream out;
    private final long total;
    private final AtomicLong read;
    private final AtomicLong acked;
    private final long start;
    private final boolean terminal = System.console() != null;
    private Thread thread;

    Progress(PrintStream out, long total, AtomicLong read, AtomicLong acked, long start) {
      this.out = out;
      this.total = total;
      this.read = read;
      this.acked = acked;
      this.start = start;
    }

    void start() {
      if (out == null) {
        return;
      }
      thread =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(terminal ? 200 : 5000);
                    print();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "squall-load-progress");
      thread.setDaemon(true);
      thread.start();
    }

    void print() {
      double fraction = total == 0 ? 1 : Math.min(1.0, read.get() / (double) total);
      int width = 30;
      int filled = (int) Math.round(fraction * width);
      double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
      String line =
          String.format(
              "[%s%s] %3.0f%%  %,d records  %,.0f records/s",
              "#".repeat(filled),
              ".".repeat(width - filled),
              fraction * 100,
              acked.get(),
              acked.get() / seconds);
      if (terminal) {
        out.print("\r" + line);
      } else {
        out.println(line);
      }
      out.flush();
    }

    void stop() {
      if (thread != null) {
        thread.interrupt();
        print();
        if (terminal) {
          out.println();
        }
      }
    }
  }
}
