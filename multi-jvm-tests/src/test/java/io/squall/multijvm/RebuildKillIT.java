package io.squall.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rebuild of the aggregates started during ingest, its driver's node killed -9 midway: the driver
 * starts again on a survivor, skips the devices done, reads switch to the new version, and every
 * answer is exact.
 */
class RebuildKillIT {
  private static final String TOKEN = ApiTokens.newToken();

  @Test
  void shouldFinishARebuildExactlyWhenItsDriversNodeIsKilledMidway() throws Exception {
    Path tokens = Files.createTempFile("squall-rebuild-tokens", "");
    Files.writeString(
        tokens, ApiTokens.line(TOKEN, EnumSet.of(Scope.READ, Scope.ADMIN), "rebuild-test") + "\n");
    try (SquallCluster cluster =
        SquallCluster.start(
            "mj_rebuild",
            3,
            "-Dsquall.http.auth.tokens-file=" + tokens,
            // one device at a time, so that the kill falls between devices
            "-Dsquall.projections.rebuild-parallelism=1")) {
      Scenario scenario = new Scenario("rebuild, its driver killed -9", cluster, copies(3));
      scenario.startLoad(5_000);
      try {
        scenario.awaitRecorded(0.4, Duration.ofMinutes(3));
        HttpResponse<String> started = rebuild(cluster.api());
        assertEquals(202, started.statusCode(), started.body());
        NodeProcess driver = awaitDriver(cluster);
        Harness.await(
            Duration.ofMinutes(2),
            Duration.ofMillis(50),
            "the rebuild has replayed two devices' journals",
            () -> devicesDone(cluster.api()) >= 2);
        long done = devicesDone(cluster.api());
        scenario.fault(
            "kill -9 of " + driver.name + ", which drives the rebuild (" + done + " devices done)");
        driver.kill9();
        assertTrue(
            done < scenario.expected.readings.size(),
            "killed midway: " + done + " of " + scenario.expected.readings.size() + " devices");
        cluster.awaitWhole(2, Duration.ofMinutes(2));
        Harness.await(
            Duration.ofMinutes(4),
            Duration.ofSeconds(1),
            "reads switched to version 2",
            () -> servingVersion(cluster.api()) == 2);
        Harness.say(
            "%s: version 2 serves %s after the kill",
            scenario.title, Harness.seconds(scenario.sinceFault()));
        scenario.awaitExact(Duration.ofMinutes(4));
        JsonNode versions =
            Harness.get(cluster.api() + "/projections").json().get(0).get("versions");
        assertEquals(1, versions.size(), "only version 2 is left: " + versions);
        assertEquals(2, versions.get(0).get("version").asInt());
      } finally {
        scenario.load.close();
      }
    } finally {
      Files.deleteIfExists(tokens);
    }
  }

  /** The 2008 lines of the five stations under {@code n} sets of ids: 5n devices. */
  private static List<String> copies(int n) {
    List<String> lines = new java.util.ArrayList<>();
    for (String line : Load.stations(2008)) {
      int comma = line.indexOf(',');
      for (int copy = 1; copy <= n; copy++) {
        lines.add(line.substring(0, comma) + "-r" + copy + line.substring(comma));
      }
    }
    return lines;
  }

  private static HttpResponse<String> rebuild(String api) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(api + "/projections/aggregates/rebuild"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** The node whose log shows the rebuild driver (a cluster singleton) started there. */
  private static NodeProcess awaitDriver(SquallCluster cluster) {
    NodeProcess[] found = {null};
    Harness.await(
        Duration.ofMinutes(1),
        Duration.ofMillis(200),
        "a node runs the rebuild driver",
        () -> {
          for (NodeProcess node : cluster.alive()) {
            try {
              List<String> log = Files.readAllLines(node.log());
              if (log.stream()
                  .anyMatch(line -> line.contains("Rebuilding the aggregates: version"))) {
                found[0] = node;
                return true;
              }
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
              // not written yet
            }
          }
          return false;
        });
    return found[0];
  }

  private static long devicesDone(String api) {
    Harness.Answer answer = Harness.get(api + "/projections");
    if (answer.status() != 200) {
      return -1;
    }
    for (JsonNode version : answer.json().get(0).get("versions")) {
      if (version.get("rebuild").isObject()) {
        return version.get("rebuild").get("devicesDone").asLong();
      }
    }
    return -1;
  }

  private static int servingVersion(String api) {
    Harness.Answer answer = Harness.get(api + "/projections");
    if (answer.status() != 200) {
      return -1;
    }
    JsonNode versions = answer.json().get(0).get("versions");
    assertTrue(versions.size() >= 1, versions.toString());
    return versions.get(0).get("version").asInt();
  }
}
