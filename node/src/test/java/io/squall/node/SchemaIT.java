package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code squall schema} against the real Cassandra: every keyspace and table, replicated as
 * configured (NetworkTopologyStrategy here), unchanged by a second run; a node that does not create
 * schema waits for it, then records and aggregates.
 */
class SchemaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String DATA_CENTER = "datacenter1";

  @Test
  void shouldCreateEverySchemaPartReplicatedAsConfiguredSoThatANodeWithoutAutocreateServes()
      throws Exception {
    Config config =
        TestNode.config(
            "it_schema",
            "akka.persistence.cassandra.journal.keyspace-autocreate = false",
            "akka.persistence.cassandra.journal.tables-autocreate = false",
            "akka.persistence.cassandra.snapshot.keyspace-autocreate = false",
            "akka.persistence.cassandra.snapshot.tables-autocreate = false",
            "squall.projections.autocreate = false",
            "akka.persistence.cassandra.journal.replication-strategy = NetworkTopologyStrategy",
            "akka.persistence.cassandra.journal.data-center-replication-factors = [\""
                + DATA_CENTER
                + ":1\"]",
            "akka.persistence.cassandra.snapshot.replication-strategy = NetworkTopologyStrategy",
            "akka.persistence.cassandra.snapshot.data-center-replication-factors = [\""
                + DATA_CENTER
                + ":1\"]");
    Map<String, Set<String>> expected =
        Map.of(
            config.getString("akka.persistence.cassandra.journal.keyspace"),
            Set.of("messages", "metadata"),
            config.getString("akka.persistence.cassandra.snapshot.keyspace"),
            Set.of("snapshots"),
            config.getString("squall.projections.keyspace"),
            Set.of(
                "projection_versions",
                "rebuild_progress",
                "devices",
                "aggregates_v1",
                "rebuilt_v1"));

    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger startup = (Logger) LoggerFactory.getLogger(Startup.class);
    startup.addAppender(log);
    ActorTestKit node = ActorTestKit.create("SchemaIT", config);
    ActorTestKit schema = ActorTestKit.create("SchemaITSchema", config);
    try {
      Main.Node started = Main.init(node.system(), NodeSettings.create(config));
      int port =
          started.http().toCompletableFuture().get(30, TimeUnit.SECONDS).localAddress().getPort();
      String api = "http://127.0.0.1:" + port + "/api/v1";
      // the node has tried to start the projection, and said why it could not
      String missing =
          "the aggregates' versions table "
              + config.getString("squall.projections.keyspace")
              + ".projection_versions is missing";
      Predicate<String> failedAttempt =
          line ->
              line.startsWith("Squall could not start the aggregate tables on Cassandra (attempt ")
                  && line.contains(missing);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (logged(log).stream().noneMatch(failedAttempt)
          && !started.aggregates().toCompletableFuture().isDone()
          && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertFalse(
          started.aggregates().toCompletableFuture().isDone(),
          "the projection cannot start before its schema exists");
      assertTrue(
          logged(log).stream().anyMatch(failedAttempt),
          "no attempt to start the projection failed for want of its schema within 60 s: "
              + String.join("\n", logged(log)));

      List<String> created = SchemaCommand.create(schema.system(), config).get(2, TimeUnit.MINUTES);
      assertEquals(3, created.size(), created.toString());
      CassandraSession session =
          CassandraSessionRegistry.get(schema.system())
              .sessionFor(CassandraSessionSettings.create());
      for (Map.Entry<String, Set<String>> keyspace : expected.entrySet()) {
        Row row =
            session
                .selectOne(
                    "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
                    keyspace.getKey())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .orElseThrow(() -> new AssertionError("no keyspace " + keyspace.getKey()));
        Map<String, String> replication = row.getMap(0, String.class, String.class);
        assertEquals(
            "org.apache.cassandra.locator.NetworkTopologyStrategy",
            replication.get("class"),
            keyspace.getKey() + ": " + replication);
        assertEquals("1", replication.get(DATA_CENTER), keyspace.getKey() + ": " + replication);
        Set<String> tables =
            session
                .selectAll(
                    "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
                    keyspace.getKey())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .stream()
                .map(r -> r.getString(0))
                .collect(Collectors.toSet());
        assertTrue(
            tables.containsAll(keyspace.getValue()),
            keyspace.getKey() + " holds " + tables + ", expected " + keyspace.getValue());
        assertTrue(
            tables.stream().noneMatch(t -> t.startsWith("tag_") || t.equals("all_persistence_ids")),
            "no events-by-tag or persistence-ids table: " + tables);
      }
      assertEquals(
          created,
          SchemaCommand.create(schema.system(), config).get(2, TimeUnit.MINUTES),
          "a second run succeeds and changes nothing");

      started.aggregates().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String line = "724940:23234,2008,07,04,12,21.5,12.0,1013.2,270,5.1,0,0.0,0.0\n";
      HttpResponse<String> posted =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(api + "/readings"))
                  .header("Content-Type", "text/csv")
                  .header("Authorization", "Bearer " + TestNode.TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(line))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(202, posted.statusCode(), posted.body());
      JsonNode day = awaitDailyCount(api, Duration.ofSeconds(30));
      assertEquals(21.5, day.get("max").asDouble(), day.toString());
    } finally {
      startup.detachAppender(log);
      schema.shutdownTestKit();
      node.shutdownTestKit();
    }
  }

  private static List<String> logged(ListAppender<ILoggingEvent> log) {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static JsonNode awaitDailyCount(String api, Duration timeout) throws Exception {
    URI daily =
        URI.create(
            api + "/devices/724940:23234/daily?metric=temperature&from=2008-07-04&to=2008-07-04");
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer =
          CLIENT.send(HttpRequest.newBuilder(daily).build(), HttpResponse.BodyHandlers.ofString());
      last = answer.statusCode() + " " + answer.body();
      if (answer.statusCode() == 200) {
        JsonNode days = JSON.readTree(answer.body());
        if (days.size() == 1 && days.get(0).get("count").asLong() == 1) {
          return days.get(0);
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the reading never reached the daily row; last answer: " + last);
  }
}
