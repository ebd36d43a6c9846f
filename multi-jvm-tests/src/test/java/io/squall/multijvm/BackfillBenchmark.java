package io.squall.multijvm;

import com.datastax.oss.driver.api.core.CqlSession;
import io.squall.persistence.testing.RawInserts;
import java.util.Map;

/**
 * Issue 11's backfill, end to end: the 2008–2014 file under ids {@code <station>-r1…-rN}, preloaded
 * in a fresh topic, then one node process launched and timed until every record is accounted in the
 * entities and every distinct reading is in the aggregate tables. Prints the rate beside a raw
 * Cassandra baseline of the same run and the Spark figure of the issue. Options: {@code --copies}
 * (default 5, about 2,000,000 records), {@code --heap} (the node's heap, default 2g).
 */
public final class BackfillBenchmark {
  /** KillrWeather's Spark pipeline on this machine, measured separately (issue 11). */
  private static final double SPARK_RECORDS_PER_SECOND = 32_400;

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Bench.options(args, Map.of("copies", "5", "heap", "2g"));
    int copies = Integer.parseInt(options.get("copies"));
    String heap = options.get("heap");
    Backfill backfill = Backfill.of(copies);
    long records = backfill.records();
    Harness.say("backfill: %s", backfill);

    double raw = RawInserts.perSecond(200_000);
    Harness.say("%s", RawInserts.describe(raw));

    try (SquallCluster cluster = SquallCluster.create("bench_backfill", 1, Bench.nodeJvm(heap));
        CqlSession cql = Bench.cql()) {
      backfill.preload(cluster.topic);
      NodeProcess node = cluster.node(0);
      // the node does not run yet: its CPU counts from its launch
      Map<String, Double> cpuBefore = Bench.cpu(-1);
      long start = System.nanoTime();
      cluster.startNodes();
      Harness.say(
          "node %s ready after %.1f s", node.name, Bench.seconds(System.nanoTime() - start));
      Backfill.Done done = backfill.await(node, cql, cluster.aggregatesKeyspace, start);
      long entitiesAt = done.entitiesAt();
      long aggregatesAt = done.aggregatesAt();
      Map<String, Double> cpuAfter = Bench.cpu(node.pid());
      double seconds = Bench.seconds(done.at() - start);
      double perSecond = records / seconds;
      System.out.printf(
          "%nbackfill, one node (-Xmx%s), %,d records (%d copies of the 2008-2014 file) preloaded"
              + " in Kafka, node launch -> all accounted:%n",
          heap, records, copies);
      System.out.printf("  %,d records in %.1f s: %,.0f records/s%n", records, seconds, perSecond);
      System.out.printf(
          "  until entities done (%.1f s): %,.0f records/s; until aggregates done (%.1f s):"
              + " %,.0f records/s%n",
          Bench.seconds(entitiesAt - start),
          records / Bench.seconds(entitiesAt - start),
          Bench.seconds(aggregatesAt - start),
          records / Bench.seconds(aggregatesAt - start));
      System.out.printf("  CPU: %s%n", Bench.cpuUsed(cpuBefore, cpuAfter, seconds));
      System.out.printf("  %s (%.2f x Squall's rate)%n", RawInserts.describe(raw), raw / perSecond);
      System.out.printf(
          "  KillrWeather on Spark, measured separately (issue 11): %,.0f records/s;"
              + " Squall / Spark = %.2f%n",
          SPARK_RECORDS_PER_SECOND, perSecond / SPARK_RECORDS_PER_SECOND);
    }
    System.exit(0);
  }
}
