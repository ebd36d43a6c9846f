package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.testing.PrometheusServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * A node frozen (SIGSTOP) for longer than the split-brain resolver's stable-after: the others down
 * it and take over its devices; once thawed it must learn it was downed and exit without writing
 * one more event. Two writers of one persistence id would show in the journal as a sequence number
 * written twice or a writer that writes again after another took over; before the node was fenced,
 * a write queued in the frozen driver went out on SIGCONT and did exactly that. A real Prometheus
 * scrapes the three nodes as the ServiceMonitor would: it sees them all up, ready and ingesting,
 * then its alerts on the frozen one (SquallNodeDown) and on the member the others cannot reach go
 * pending (the split-brain resolver downs the node before their "for:" ends).
 */
class NodeFreezeIT {

  @Test
  void shouldDownAFrozenNodeWhichThenExitsWithoutWritingAnyEvent() throws Exception {
    try (SquallCluster cluster = SquallCluster.start("mj_freeze", 3);
        Journal journal = new Journal(cluster.journalKeyspace);
        PrometheusServer prometheus =
            PrometheusServer.start(
                Path.of("target", "prometheus-freeze").toAbsolutePath(),
                cluster.nodes.stream().map(n -> n.management().replace("http://", "")).toList())) {
      Scenario scenario = new Scenario("SIGSTOP past stable-after", cluster, Load.stations(2008));
      scenario.startLoad(1_500);
      try {
        scenario.awaitRecorded(0.3, Duration.ofMinutes(2));
        for (String seen :
            List.of(
                "count(up == 1) == 3",
                "sum(squall_node_ready) == 3",
                "count(squall_device_shards) == 3",
                "sum(squall_device_shards) > 0",
                "sum(rate(squall_readings_received_total[1m])) > 0")) {
          prometheus.await(() -> !prometheus.query(seen).isEmpty(), "Prometheus sees " + seen);
        }
        NodeProcess victim = cluster.busiestOwnerOf(scenario.devicePartitions());
        String victimPod = "squall-" + cluster.nodes.indexOf(victim);
        Set<String> shards = SquallCluster.hostedShards(victim);
        List<String> devices = new ArrayList<>();
        for (String device : scenario.expected.readings.keySet()) {
          int partition =
              Utils.toPositive(Utils.murmur2(device.getBytes(StandardCharsets.UTF_8)))
                  % SquallCluster.PARTITIONS;
          if (shards.contains(String.valueOf(partition))) {
            devices.add(device);
          }
        }
        assertFalse(
            devices.isEmpty(), victim.name + " hosts shards " + shards + " of no test device");
        List<NodeProcess> survivors = new ArrayList<>(cluster.nodes);
        survivors.remove(victim);

        scenario.fault(
            "SIGSTOP of "
                + victim.name
                + ", host of shards "
                + shards
                + " with devices "
                + devices);
        victim.freeze();
        Map<String, Set<String>> frozenWriters = new HashMap<>();
        for (String device : devices) {
          Set<String> writers = new HashSet<>();
          journal.rows(device).forEach(row -> writers.add(row.writer()));
          frozenWriters.put(device, writers);
        }
        cluster.awaitWhole(survivors, Duration.ofMinutes(2));
        Harness.say(
            "survivors downed %s and consume every partition %s after the freeze",
            victim.name, Harness.seconds(scenario.sinceFault()));
        // the alerts as Prometheus evaluated them meanwhile (its ALERTS series keeps the past)
        prometheus.await(
            () ->
                !prometheus
                    .query("max_over_time(ALERTS{alertname=\"SquallMemberUnreachable\"}[10m])")
                    .isEmpty(),
            "Prometheus alerted on a member the cluster could not reach");
        prometheus.await(
            () -> prometheus.alerting("SquallNodeDown", "pod", victimPod),
            "Prometheus alerts on the frozen node " + victimPod);
        Harness.say(
            "Prometheus: SquallMemberUnreachable and SquallNodeDown pending for %s", victimPod);
        Harness.await(
            Duration.ofMinutes(2),
            Duration.ofMillis(500),
            "a survivor journals the frozen node's devices",
            () ->
                devices.stream()
                    .allMatch(
                        d ->
                            journal.rows(d).stream()
                                .anyMatch(row -> !frozenWriters.get(d).contains(row.writer()))));
        Harness.say(
            "survivors journal the devices %s %s after the freeze",
            devices, Harness.seconds(scenario.sinceFault()));
        Map<String, Long> rowsOfFrozenWriters = new HashMap<>();
        for (String device : devices) {
          rowsOfFrozenWriters.put(device, count(journal.rows(device), frozenWriters.get(device)));
        }
        long frozenFor = scenario.sinceFault();
        victim.thaw();
        long thawed = System.nanoTime();
        boolean exited = victim.awaitExit(Duration.ofSeconds(90));
        Harness.say(
            "%s frozen %s; after SIGCONT it %s",
            victim.name,
            Harness.seconds(frozenFor),
            exited
                ? "exited (code "
                    + victim.exitValue()
                    + ") in "
                    + Harness.seconds(System.nanoTime() - thawed)
                : "still runs after 90 s");
        assertTrue(
            exited, victim.name + " must exit once it learns it was downed: " + victim.log());

        scenario.awaitExact(Duration.ofMinutes(4));
        long lateRows = 0;
        List<String> problems = new ArrayList<>();
        for (String device : scenario.expected.readings.keySet()) {
          List<Journal.Row1> rows = journal.rows(device);
          problems.addAll(Journal.problems(device, rows));
          if (devices.contains(device)) {
            lateRows += count(rows, frozenWriters.get(device)) - rowsOfFrozenWriters.get(device);
          }
        }
        Harness.say(
            "RESULT journal: %d events written by the downed incarnations after SIGCONT; problems %s",
            lateRows, problems);
        // PauseGuard: no Cassandra connection of the thawed node lets a byte out (PauseFence),
        // not even a write queued in the driver when it froze.
        assertEquals(List.of(), problems, "one writer per persistence id, sequence numbers 1..n");
        assertEquals(0, lateRows, "events written by the downed node after SIGCONT");
      } finally {
        scenario.load.close();
      }
    }
  }

  private static long count(List<Journal.Row1> rows, Set<String> writers) {
    return rows.stream().filter(row -> writers.contains(row.writer())).count();
  }
}
