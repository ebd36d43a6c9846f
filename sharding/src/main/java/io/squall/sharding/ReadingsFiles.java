package io.squall.sharding;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Sends the lines of ISD-lite or JSON-lines files (plain, .gz or .zip) to the readings topic, one
 * record per raw line (a final newline ends the last line, a trailing CR is dropped), keyed by its
 * device id ({@link RecordKey}) so that a device's records share a partition. Lines go as they are:
 * the consumer decodes them and dead-letters what is bad. {@code squall load} and tests use it.
 */
public final class ReadingsFiles {

  private ReadingsFiles() {}

  /** What was sent: every line, once the broker acknowledged it. */
  public record Sent(long records) {}

  /**
   * Sends every line of {@code files} to {@code topic}; returns once the broker has them all,
   * counting the file bytes read in {@code read} and the records acknowledged in {@code acked} as
   * it goes.
   */
  public static Sent send(
      List<Path> files, KafkaClientSettings kafka, String topic, AtomicLong read, AtomicLong acked)
      throws IOException {
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new IOException("no such file: " + file);
      }
    }
    Properties props = kafka.toProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    AtomicReference<Exception> failure = new AtomicReference<>();
    long before = acked.get();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (Path file : files) {
        try (InputStream in = open(file, read)) {
          forEachLine(
              in,
              line -> {
                if (failure.get() != null) {
                  throw new IOException(
                      "the broker refused a record: " + failure.get().getMessage());
                }
                producer.send(
                    new ProducerRecord<>(topic, RecordKey.of(line), line),
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
    }
    if (failure.get() != null) {
      throw new IOException("the broker refused a record: " + failure.get().getMessage());
    }
    return new Sent(acked.get() - before);
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
}
