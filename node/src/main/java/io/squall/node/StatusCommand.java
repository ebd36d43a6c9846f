package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squall.sharding.IngestSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code squall status} and {@code squall rebuild}: what operators ask a running cluster — members,
 * device shards, consumer lag, projection versions and lag — and a projection rebuild.
 */
final class StatusCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static final String USAGE =
      String.join(
          "\n",
          "usage: squall status [--url URL] [--management URL]",
          "       squall rebuild [--url URL]",
          "",
          "status: cluster members and device shards (Akka Management, default",
          "http://127.0.0.1:8558), consumer lag (Kafka, SQUALL_KAFKA_BOOTSTRAP_SERVERS), projection",
          "versions and lag (the API, default http://127.0.0.1:8080/api/v1).",
          "rebuild: builds the next version of the aggregate tables from the start of the journal.");

  private StatusCommand() {}

  static int run(String command, String[] args) {
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    String api = "http://127.0.0.1:8080/api/v1";
    String management = "http://127.0.0.1:8558";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          System.out.println(USAGE);
          return 0;
        }
        case "--url" -> api = args[++i];
        case "--management" -> management = args[++i];
        default -> {
          System.err.println(
              "squall " + command + ": unexpected argument '" + args[i] + "'\n\n" + USAGE);
          return 2;
        }
      }
    }
    try {
      return command.equals("rebuild") ? rebuild(api) : status(api, management);
    } catch (Exception e) {
      System.err.println("squall " + command + ": " + e.getMessage());
      return 1;
    }
  }

  private static int rebuild(String api) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(api + "/projections/aggregates/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    System.out.println(body.has("detail") ? body.get("detail").asText() : response.body());
    return response.statusCode() == 202 ? 0 : 1;
  }

  private static int status(String api, String management) throws Exception {
    JsonNode members = get(management + "/cluster/members", "Akka Management at " + management);
    System.out.println("cluster (leader " + members.path("leader").asText("?") + "):");
    for (JsonNode member : members.path("members")) {
      System.out.printf("  %-34s %s%n", member.get("node").asText(), member.get("status").asText());
    }
    for (JsonNode unreachable : members.path("unreachable")) {
      System.out.println("  unreachable: " + unreachable.get("node").asText());
    }
    JsonNode shards =
        get(management + "/cluster/shards/Device", "Akka Management at " + management);
    // Akka Management lists this node's shards under "regions", one entry per shard
    long entities = 0;
    int hosted = 0;
    for (JsonNode shard : shards.path("regions")) {
      hosted++;
      entities += shard.path("numEntities").asLong();
    }
    System.out.printf("device shards on this node: %d, live entities: %,d%n", hosted, entities);

    IngestSettings ingest = IngestSettings.create(NodeConfig.load());
    System.out.printf(
        "consumer group %s on %s: %s%n", ingest.groupId(), ingest.topic(), consumerLag(ingest));

    JsonNode projections = get(api + "/projections", "the Squall API at " + api);
    for (JsonNode projection : projections) {
      for (JsonNode version : projection.path("versions")) {
        long events = 0;
        boolean capped = false;
        double seconds = 0;
        for (JsonNode slice : version.path("slices")) {
          events += slice.path("lagEvents").asLong();
          capped |= slice.path("lagEventsCapped").asBoolean();
          seconds = Math.max(seconds, slice.path("lagSeconds").asDouble());
        }
        System.out.printf(
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
    return 0;
  }

  private static String consumerLag(IngestSettings ingest) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ingest.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(ingest.groupId())
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
        lag += end.getValue().offset() - committed.get(end.getKey()).offset();
      }
      return String.format("%,d records behind over %d partitions", lag, committed.size());
    } catch (Exception e) {
      return "unknown (Kafka at "
          + ingest.bootstrapServers()
          + " did not answer: "
          + e.getMessage()
          + ")";
    }
  }

  private static JsonNode get(String uri, String what) throws Exception {
    try {
      HttpResponse<String> response =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            what + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "could not reach " + what + " (" + uri + "); is a node running?");
    }
  }
}
