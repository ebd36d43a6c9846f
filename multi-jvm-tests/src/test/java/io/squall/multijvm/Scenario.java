package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * One fault scenario: a cluster, the input and its expected answers, the load, the moment of the
 * fault, and the final check that every answer is exact and the consumer lag 0, with the times it
 * took printed.
 */
final class Scenario {
  final String title;
  final SquallCluster cluster;
  final List<String> lines;
  final Expected expected;
  final long started = System.nanoTime();
  Load load;
  private long faultAt;
  private long ackedAtFault;

  Scenario(String title, SquallCluster cluster, List<String> lines) {
    this.title = title;
    this.cluster = cluster;
    this.lines = lines;
    this.expected = Expected.of(lines);
    Harness.say(
        "%s: %,d lines, %,d distinct readings, %,d duplicates, %d devices",
        title,
        lines.size(),
        expected.totalReadings(),
        expected.totalDuplicates(),
        expected.readings.size());
  }

  void startLoad(int perSecond) {
    load = Load.start(cluster.topic, lines, perSecond);
  }

  /** The partitions the test's devices' records go to. */
  Set<Integer> devicePartitions() {
    Set<Integer> partitions = new HashSet<>();
    for (String device : expected.readings.keySet()) {
      partitions.add(
          Utils.toPositive(Utils.murmur2(device.getBytes(StandardCharsets.UTF_8)))
              % SquallCluster.PARTITIONS);
    }
    return partitions;
  }

  /** Waits until a {@code fraction} of the distinct readings is recorded (read over HTTP). */
  void awaitRecorded(double fraction, Duration timeout) {
    long target = (long) (expected.totalReadings() * fraction);
    Harness.await(
        timeout,
        Duration.ofMillis(500),
        String.format("%.0f %% of the readings are recorded", fraction * 100),
        () -> Answers.totalReadings(cluster.api(), expected) >= target);
    Harness.say("%s: %,d+ readings recorded", title, target);
  }

  /**
   * Marks a fault, which must hit a load in flight: one that already sent every line would make the
   * fault one of an idle producer.
   */
  void fault(String what) {
    faultAt = System.nanoTime();
    ackedAtFault = load.acked();
    Harness.say("%s: FAULT %s (load sent %,d of %,d)", title, what, ackedAtFault, lines.size());
    assertLoadInFlight(what);
  }

  /** Fails when the load has sent every line: what comes next would not be under load. */
  void assertLoadInFlight(String what) {
    assertFalse(
        load.isDone(), title + ": the load must still be sending when this starts: " + what);
  }

  long sinceFault() {
    return System.nanoTime() - faultAt;
  }

  /** Sleeps until the fault has lasted {@code length}: at once if it already has. */
  void holdFault(Duration length) {
    Duration left = length.minusNanos(sinceFault());
    if (!left.isNegative() && !left.isZero()) {
      Harness.sleep(left);
    }
  }

  /**
   * The answers the topic's records call for. They hold the same readings as the lines sent; a
   * record the producer wrote twice across a fault is one more duplicate, as for any repeated line.
   */
  private Expected inTopic() {
    List<String> records = Load.readBack(cluster.topic);
    Expected inTopic = Expected.of(records);
    assertEquals(this.expected.readings, inTopic.readings, "readings in the topic");
    if (records.size() != lines.size()) {
      Harness.say(
          "%s: the topic holds %,d records for %,d lines sent (the producer wrote %,d twice across"
              + " the fault); duplicates are expected as the topic has them",
          title, records.size(), lines.size(), records.size() - lines.size());
    }
    return inTopic;
  }

  /**
   * Waits until the load is acknowledged, the consumer lag is 0 and every answer is exact, checks
   * again after a pause (a late redelivery must not count twice), prints the times, and fails with
   * the differences if it does not get there within {@code timeout}.
   */
  Answers.Report awaitExact(Duration timeout) throws Exception {
    load.await(timeout);
    long loadDone = System.nanoTime();
    long sentAfter = load.acked() - ackedAtFault;
    Harness.say(
        "%s: load acknowledged %s after the fault, %,d records of it after the fault began",
        title, Harness.seconds(loadDone - faultAt), sentAfter);
    assertTrue(sentAfter > 0, title + ": records were sent after the fault began");
    Expected answers = inTopic();
    long deadline = System.nanoTime() + timeout.toNanos();
    Answers.Report report = null;
    long lag = -1;
    long lagZeroAt = 0;
    while (System.nanoTime() < deadline) {
      lag = cluster.lag();
      if (lag == 0 && lagZeroAt == 0) {
        lagZeroAt = System.nanoTime();
        Harness.say(
            "%s: consumer lag 0, %s after the fault", title, Harness.seconds(lagZeroAt - faultAt));
      }
      if (lag == 0 && Answers.totalReadings(cluster.api(), answers) == answers.totalReadings()) {
        report = Answers.check(cluster.api(), answers);
        if (report.exact()) {
          break;
        }
      }
      Harness.sleep(Duration.ofSeconds(2));
    }
    long exactAt = System.nanoTime();
    if (report == null || !report.exact()) {
      report = Answers.check(cluster.api(), answers);
      cluster.printLogs();
      throw new AssertionError(
          title
              + ": answers not exact within "
              + timeout.toSeconds()
              + " s (lag "
              + lag
              + "): "
              + report);
    }
    Harness.say(
        "%s: every answer exact %s after the fault (%s after the load ended)",
        title, Harness.seconds(exactAt - faultAt), Harness.seconds(exactAt - loadDone));
    Harness.sleep(Duration.ofSeconds(5));
    Answers.Report again = Answers.check(cluster.api(), answers);
    long finalLag = cluster.lag();
    Harness.say(
        "RESULT %s: %s; consumer lag %d; recovery (fault -> lag 0 and exact) %s; wall time %s",
        title,
        again,
        finalLag,
        Harness.seconds(exactAt - faultAt),
        Harness.seconds(System.nanoTime() - started));
    assertTrue(again.exact(), title + ": " + again);
    assertEquals(0, finalLag, "consumer lag");
    return again;
  }
}
