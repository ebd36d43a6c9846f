package io.squall.node;

import io.squall.sharding.KafkaClientSettings;
import io.squall.sharding.ReadingsFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code squall load}: sends files to the readings topic ({@link ReadingsFiles}) with a progress
 * bar on a terminal, or a line every 5 s elsewhere.
 */
public final class ReadingsLoader {

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
    AtomicLong acked = new AtomicLong();
    AtomicLong read = new AtomicLong();
    long start = System.nanoTime();
    Progress bar = new Progress(progress, total, read, acked, start);
    bar.start();
    try {
      ReadingsFiles.send(files, kafka, topic, read, acked);
    } finally {
      bar.stop();
    }
    return new Summary(acked.get(), total, Duration.ofNanos(System.nanoTime() - start));
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
