package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import io.squall.persistence.testing.ProcessCpu;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Reads against one node process, while it backfills and once it holds everything: first (unless
 * {@code --baseline false}) bench backfill's run alone, then the same backfill on a fresh cluster
 * with an open-loop mix of live-state, daily, monthly and top reads from the node's readiness until
 * everything is accounted; the backfill's rate beside the baseline's, each kind's latency counted
 * from when each request was due (see {@link OpenLoop}). Then, on the same node idle, the mix for
 * {@code --seconds}, and the live then the daily reads in a closed loop for {@code --seconds} each:
 * what it serves at most. Options: {@code --copies} (5), {@code --heap} (2g), {@code --seconds}
 * (20), {@code --live} (5000), {@code --daily} (1000), {@code --monthly} (500), {@code --top} (500)
 * requests/s of each kind (0 leaves it out), {@code --connections} (64, the closed loop's), {@code
 * --baseline} (true).
 */
public final class ReadsBenchmark {
  private static final List<String> KINDS = List.of("live", "daily", "monthly", "top");
  private static final List<String> SATURATED = List.of("live", "daily");
  private static final LocalDate FIRST_DAY = LocalDate.of(2008, 1, 1);
  private static final LocalDate LAST_DAY = LocalDate.of(2014, 12, 31);
  private static final int RANGE_DAYS = 28;
  private static final long SEED = 11;

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        Bench.options(
            args,
            Map.of(
                "copies",
                "5",
                "heap",
                "2g",
                "seconds",
                "20",
                "live",
                "5000",
                "daily",
                "1000",
                "monthly",
                "500",
                "top",
                "500",
                "connections",
                "64",
                "baseline",
                "true"));
    Backfill backfill = Backfill.of(Integer.parseInt(options.get("copies")));
    String heap = options.get("heap");
    Duration phase = Duration.ofSeconds(Long.parseLong(options.get("seconds")));
    int connections = Integer.parseInt(options.get("connections"));
    List<String> devices = backfill.devices();
    Harness.say("reads: %s, %d devices", backfill, devices.size());
    List<String> summary = new ArrayList<>();

    double baseline = Double.NaN;
    if (Boolean.parseBoolean(options.get("baseline"))) {
      try (SquallCluster cluster =
              SquallCluster.create("bench_reads_base", 1, Bench.nodeJvm(heap));
          CqlSession cql = Bench.cql()) {
        backfill.preload(cluster.topic);
        long start = System.nanoTime();
        cluster.startNodes();
        Backfill.Done done =
            backfill.await(cluster.node(0), cql, cluster.aggregatesKeyspace, start);
        baseline = backfill.records() / Bench.seconds(done.at() - start);
        System.out.printf(
            "%nbackfill without reads, one node (-Xmx%s): %,d records in %.1f s: %,.0f records/s%n",
            heap, backfill.records(), Bench.seconds(done.at() - start), baseline);
      }
    }

    double withReads;
    try (SquallCluster cluster = SquallCluster.create("bench_reads", 1, Bench.nodeJvm(heap));
        CqlSession cql = Bench.cql()) {
      backfill.preload(cluster.topic);
      NodeProcess node = cluster.node(0);
      // the node does not run yet: its CPU counts from its launch
      Map<String, Double> cpuBefore = cpu(-1);
      long start = System.nanoTime();
      cluster.startNodes();
      URI api = URI.create(node.api());
      Harness.say("node ready after %.1f s: reads start", Bench.seconds(System.nanoTime() - start));
      OpenLoop load = OpenLoop.start(api, mix(options, devices));
      Backfill.Done done = backfill.await(node, cql, cluster.aggregatesKeyspace, start);
      Map<String, Double> cpuAfter = cpu(node.pid());
      List<OpenLoop.Result> during = load.stop();
      double seconds = Bench.seconds(done.at() - start);
      withReads = backfill.records() / seconds;
      System.out.printf(
          "%nbackfill with reads, one node (-Xmx%s): %,d records in %.1f s: %,.0f records/s%s%n",
          heap, backfill.records(), seconds, withReads, ratio(withReads, baseline));
      print(
          "reads from the node's readiness to the backfill's end",
          during,
          summary,
          "backfill",
          "node launch -> all accounted: " + Bench.cpuUsed(cpuBefore, cpuAfter, seconds));

      Harness.say("the node idle: the mix for %d s", phase.toSeconds());
      cpuBefore = cpu(node.pid());
      List<OpenLoop.Result> idle = OpenLoop.run(api, mix(options, devices), phase);
      print(
          "reads, the node idle and holding everything",
          idle,
          summary,
          "idle",
          Bench.cpuUsed(cpuBefore, cpu(node.pid()), phase.toSeconds()));

      for (String kind : SATURATED) {
        Harness.say("%s reads in a closed loop for %d s", kind, phase.toSeconds());
        cpuBefore = cpu(node.pid());
        OpenLoop.Result result =
            OpenLoop.saturate(api, kind, paths(kind, devices), connections, phase);
        print(
            "closed loop, " + connections + " connections",
            List.of(result),
            summary,
            "closed " + connections,
            Bench.cpuUsed(cpuBefore, cpu(node.pid()), result.seconds));
      }
    }

    System.out.printf("%nsummary (latencies in ms)%n");
    if (!Double.isNaN(baseline)) {
      System.out.printf("  backfill without reads: %,.0f records/s%n", baseline);
    }
    System.out.printf(
        "  backfill with reads: %,.0f records/s%s%n", withReads, ratio(withReads, baseline));
    System.out.printf(
        "  %-10s %-8s %9s %9s %8s %8s %8s  %s%n",
        "phase", "kind", "asked/s", "got/s", "p50", "p99", "p99.9", "statuses");
    summary.forEach(System.out::println);
    System.exit(0);
  }

  private static String ratio(double withReads, double baseline) {
    return Double.isNaN(baseline)
        ? ""
        : String.format(" (%.2f x the backfill without reads)", withReads / baseline);
  }

  /** Each result's figures under {@code title}, then the CPU; and their rows of the summary. */
  private static void print(
      String title, List<OpenLoop.Result> results, List<String> summary, String phase, String cpu) {
    System.out.printf("%n  %s:%n", title);
    for (OpenLoop.Result result : results) {
      System.out.printf("    %s%n", result);
      if (!Double.isNaN(result.askedPerSecond)) {
        System.out.printf(
            "      written after due (waiting for a connection, or the generator behind):"
                + " p99 %.2f ms, max %.1f ms%n",
            result.late.getValueAtPercentile(99) / 1000.0, result.late.getMaxValue() / 1000.0);
      }
      summary.add(
          String.format(
              "  %-10s %-8s %9s %,9.0f %8.2f %8.2f %8.2f  %s",
              phase,
              result.kind,
              Double.isNaN(result.askedPerSecond)
                  ? "closed"
                  : String.format("%,.0f", result.askedPerSecond),
              result.perSecond(),
              result.millis(50),
              result.millis(99),
              result.millis(99.9),
              result.statuses()));
    }
    System.out.printf("  CPU: %s%n", cpu);
  }

  /** A stream of each kind at the rate its option asks, but those at 0. */
  private static List<OpenLoop.Stream> mix(Map<String, String> options, List<String> devices) {
    List<OpenLoop.Stream> mix = new ArrayList<>();
    for (String kind : KINDS) {
      double perSecond = Double.parseDouble(options.get(kind));
      if (perSecond > 0) {
        mix.add(new OpenLoop.Stream(kind, perSecond, paths(kind, devices)));
      }
    }
    return mix;
  }

  /**
   * The paths of one kind of read, each on a device drawn at random (seeded: every run and phase
   * asks the same sequence); periods within the file's 2008–2014.
   */
  private static Supplier<String> paths(String kind, List<String> devices) {
    Random random = new Random(SEED + KINDS.indexOf(kind));
    int firstDays = (int) ChronoUnit.DAYS.between(FIRST_DAY, LAST_DAY) - RANGE_DAYS + 2;
    int years = LAST_DAY.getYear() - FIRST_DAY.getYear() + 1;
    return () -> {
      String device = "/devices/" + devices.get(random.nextInt(devices.size()));
      int year = FIRST_DAY.getYear() + random.nextInt(years);
      return switch (kind) {
        case "live" -> device;
        case "daily" -> {
          LocalDate from = FIRST_DAY.plusDays(random.nextInt(firstDays));
          yield device
              + "/daily?metric=temperature&from="
              + from
              + "&to="
              + from.plusDays(RANGE_DAYS - 1);
        }
        case "monthly" -> device + "/monthly?metric=temperature&year=" + year;
        case "top" -> device + "/top?metric=temperature&year=" + year + "&k=10";
        default -> throw new IllegalArgumentException("no read of kind " + kind);
      };
    };
  }

  /** CPU seconds used so far by the node, Cassandra, Kafka and this benchmark's own JVM. */
  private static Map<String, Double> cpu(long nodePid) {
    Map<String, Double> cpu = Bench.cpu(nodePid);
    cpu.put("benchmark", ProcessCpu.seconds(ProcessHandle.current().pid()).orElse(0));
    return cpu;
  }
}
