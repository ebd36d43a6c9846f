package io.squall.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.KafkaClientSettings;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code squall status}: what operators ask a running cluster — members, device shards, consumer
 * lag, the node's health, projection versions and lag — as text or JSON. Exits 1 when the cluster
 * or a dependency is unhealthy, so scripts and probes can rely on it.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Cluster members and device shards (Akka Management), consumer lag (Kafka), the node's health and projection versions and lag (the API). Exits 0 when every member is Up and reachable and Kafka and Cassandra answer; 1 otherwise.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the report is printed. */
  enum Output {
    text,
    json
  }

  @Mixin ApiClient api;

  @Option(
      names = "--management",
      paramLabel = "URL",
      description =
          "Akka Management of a node (default: this node's own, from SQUALL_MANAGEMENT_HOSTNAME"
              + " and SQUALL_MANAGEMENT_PORT; http://127.0.0.1:8558 when neither is set)")
  String management;

  @Option(
      names = "--bootstrap-server",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka (default: SQUALL_KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
  String bootstrapServer;

  @Option(
      names = "--group",
      paramLabel = "GROUP",
      description = "the readings consumer group (default: SQUALL_CONSUMER_GROUP, else squall)")
  String group;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE})")
  Output output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    ObjectNode report = report();
    PrintWriter out = spec.commandLine().getOut();
    if (output == Output.json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      StatusText.print(report, out);
    }
    out.flush();
    return report.get("healthy").asBoolean() ? 0 : 1;
  }

  private ObjectNode report() throws Exception {
    Config config = NodeConfig.load();
    if (management == null) {
      management = OwnEndpoints.management(config);
    }
    ObjectNode report = JSON.createObjectNode();
    JsonNode members = get(management + "/cluster/members", "Akka Management at " + management);
    boolean healthy = true;
    ObjectNode cluster = report.putObject("cluster");
    cluster.put("leader", members.path("leader").asText(null));
    ArrayNode memberList = cluster.putArray("members");
    for (JsonNode member : members.path("members")) {
      memberList
          .addObject()
          .put("node", member.path("node").asText())
          .put("status", member.path("status").asText());
      healthy &= member.path("status").asText().equals("Up");
    }
    ArrayNode unreachable = cluster.putArray("unreachable");
    for (JsonNode node : members.path("unreachable")) {
      unreachable.add(node.path("node").asText());
      healthy = false;
    }

    JsonNode shards =
        get(management + "/cluster/shards/Device", "Akka Management at " + management);
    // Akka Management lists this node's shards under "regions", one entry per shard
    long entities = 0;
    for (JsonNode shard : shards.path("regions")) {
      entities += shard.path("numEntities").asLong();
    }
    report
        .putObject("thisNode")
        .put("deviceShards", shards.path("regions").size())
        .put("liveEntities", entities);

    IngestSettings ingest = IngestSettings.create(config);
    KafkaClientSettings kafkaClient =
        bootstrapServer != null
            ? ingest.kafka().withBootstrapServers(bootstrapServer)
            : ingest.kafka();
    String kafka = kafkaClient.bootstrapServers();
    String groupId = group != null ? group : ingest.groupId();
    ObjectNode consumer =
        report
            .putObject("consumer")
            .put("group", groupId)
            .put("topic", ingest.topic())
            .put("bootstrapServers", kafka);
    try {
      long[] lag = consumerLag(kafkaClient, groupId);
      consumer.put("lagRecords", lag[0]).put("partitions", lag[1]);
    } catch (Exception e) {
      consumer.put(
          "error",
          kafkaClient
              .refusal(e)
              .orElse(
                  "Kafka at "
                      + kafka
                      + " did not answer ("
                      + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                      + ")"));
      healthy = false;
    }

    HttpResponse<String> health = api.send("GET", "/health");
    ObjectNode node = report.putObject("health");
    node.put("httpStatus", health.statusCode());
    node.set("answer", JSON.readTree(health.body()));
    healthy &= health.statusCode() == 200;

    report.set("projections", get(api.api() + "/projections", "the Squall API at " + api.api()));
    report.put("healthy", healthy);
    return report;
  }

  /** Records behind, and partitions, of {@code group}. */
  private static long[] consumerLag(KafkaClientSettings kafka, String group) throws Exception {
    Properties props = kafka.toProperties();
    // Kafka requires the API timeout to be at least the request timeout
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    Admin admin = Admin.create(props);
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      long lag = 0;
      for (var end : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
        lag += end.getValue().offset() - committed.get(end.getKey()).offset();
      }
      return new long[] {lag, committed.size()};
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  /** {@code uri} answered; the API token goes to the API only, never to management. */
  private JsonNode get(String uri, String what) throws Exception {
    String token = uri.startsWith(api.api()) ? api.token : null;
    HttpResponse<String> response = ApiClient.send(uri, "GET", token, what);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          what + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }
}
