package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** {@code squall status}'s report as an operator reads it in a terminal. */
final class StatusText {
  private StatusText() {}

  static void print(JsonNode report, PrintWriter out) {
    JsonNode cluster = report.get("cluster");
    out.println("cluster (leader " + cluster.path("leader").asText("?") + "):");
    for (JsonNode member : cluster.get("members")) {
      out.printf("  %-34s %s%n", member.get("node").asText(), member.get("status").asText());
    }
    for (JsonNode unreachable : cluster.get("unreachable")) {
      out.println("  unreachable: " + unreachable.asText());
    }
    JsonNode thisNode = report.get("thisNode");
    out.printf(
        "device shards on this node: %d, live entities: %,d%n",
        thisNode.get("deviceShards").asInt(), thisNode.get("liveEntities").asLong());
    JsonNode consumer = report.get("consumer");
    out.printf(
        "consumer group %s on %s: %s%n",
        consumer.get("group").asText(),
        consumer.get("topic").asText(),
        consumer.has("error")
            ? "unknown (" + consumer.get("error").asText() + ")"
            : String.format(
                "%,d records behind over %d partitions",
                consumer.get("lagRecords").asLong(), consumer.get("partitions").asInt()));
    JsonNode health = report.get("health");
    out.println(
        "health: "
            + (health.get("httpStatus").asInt() == 200
                ? "ok"
                : health.path("answer").path("detail").asText(health.get("answer").toString())));
    for (JsonNode projection : report.get("projections")) {
      for (JsonNode version : projection.path("versions")) {
        JsonNode rebuild = version.path("rebuild");
        out.printf(
            "projection %s v%d (%s): %,d devices writing rows%s%n",
            projection.get("name").asText(),
            version.get("version").asInt(),
            version.get("state").asText(),
            version.path("devicesPending").asLong(),
            rebuild.isObject()
                ? String.format(
                    ", rebuilt %,d of %,d devices listed (%,d events)",
                    rebuild.path("devicesDone").asLong(),
                    rebuild.path("devicesTotal").asLong(),
                    rebuild.path("eventsDone").asLong())
                : String.format(
                    ", oldest waiting %.1f s", version.path("oldestPendingSeconds").asDouble()));
      }
    }
    out.println(report.get("healthy").asBoolean() ? "healthy" : "UNHEALTHY");
  }
}
