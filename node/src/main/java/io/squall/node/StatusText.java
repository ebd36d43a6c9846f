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
        long events = 0;
        boolean capped = false;
        double seconds = 0;
        for (JsonNode slice : version.path("slices")) {
          events += slice.path("lagEvents").asLong();
          capped |= slice.path("lagEventsCapped").asBoolean();
          seconds = Math.max(seconds, slice.path("lagSeconds").asDouble());
        }
        out.printf(
            "projection %s v%d (%s): %d of %d slices started, %s%,d events to fold, oldest slice offset %.0f s old%n",
            projection.get("name").asText(),
            version.get("version").asInt(),
            version.get("role").asText(),
            version.path("slices").size(),
            projection.get("slices").asInt(),
            capped ? "at least " : "",
            events,
            seconds);
      }
    }
    out.println(report.get("healthy").asBoolean() ? "healthy" : "UNHEALTHY");
  }
}
