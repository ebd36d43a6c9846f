package io.squall.sharding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.persistence.InvalidReadingException;
import io.squall.persistence.Reading;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Sends files to a readings topic the way {@code squall load} does (node's ReadingsLoader, which
 * the modules below node cannot see): one record per raw line (plain, .gz or .zip; a final newline
 * ends the last line, a trailing CR is dropped), keyed by its device id when it has a valid one.
 */
public final class FileProducer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FileProducer() {}

  /** What a load sent: every line, once the broker acknowledged it. */
  public record Sent(long records) {}

  public static Sent send(List<Path> files, KafkaClientSettings kafka, String topic)
      throws IOException {
    Properties props = kafka.toProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (Path file : files) {
        try (InputStream in = open(file)) {
          for (byte[] line : lines(in)) {
            producer.send(
                new ProducerRecord<>(topic, keyOf(line), line),
                (metadata, error) -> {
                  if (error != null) {
                    failure.compareAndSet(null, error);
                  } else {
                    acked.incrementAndGet();
                  }
                });
          }
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IOException("the broker refused a record: " + failure.get().getMessage());
    }
    return new Sent(acked.get());
  }

  private static String keyOf(byte[] line) {
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

  private static List<byte[]> lines(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    List<byte[]> lines = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(stripCarriageReturn(Arrays.copyOfRange(all, from, i)));
        from = i + 1;
      }
    }
    if (from < all.length) {
      lines.add(stripCarriageReturn(Arrays.copyOfRange(all, from, all.length)));
    }
    return lines;
  }

  private static byte[] stripCarriageReturn(byte[] line) {
    return line.length > 0 && line[line.length - 1] == '\r'
        ? Arrays.copyOf(line, line.length - 1)
        : line;
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
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
