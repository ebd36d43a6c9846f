package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.ReadingsFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The backup and restore of docs/operations.md, run once for real: a node records the 2008 SFO file
 * and rebuilds its aggregates into version 2; Cassandra's own snapshots of Squall's three keyspaces
 * are copied away; the keyspaces are dropped; the schema is made again ({@code squall schema}) and
 * the copies imported ({@code nodetool import}); every table holds its rows again, and a new node
 * answers every question as the first did, from version 2.
 */
class BackupRestoreIT {
  private static final String SFO = "724940:23234";
  private static final int READINGS = 8_784;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void shouldAnswerTheSameOnceASnapshotIsRestoredIntoDroppedKeyspaces() throws Exception {
    Config config = TestNode.config("it_backup");
    String aggregates = config.getString("squall.projections.keyspace");
    List<String> keyspaces =
        List.of(
            config.getString("akka.persistence.cassandra.journal.keyspace"),
            config.getString("akka.persistence.cassandra.snapshot.keyspace"),
            aggregates);
    String tag = "backup-" + keyspaces.get(0);

    Map<String, JsonNode> before = recordRebuildAndAsk(config, true);
    assertEquals(READINGS, before.get("live").get("readings").asLong());
    assertEquals(2, before.get("projections").at("/0/versions/0/version").asInt());
    // nothing left in Kafka for a node to consume again: what the restored node answers comes
    // from the restored tables alone
    assertEquals(0, lag(IngestSettings.create(config)), "records not committed");

    ActorTestKit admin = ActorTestKit.create("BackupRestoreITAdmin", config);
    try {
      CassandraSession session =
          CassandraSessionRegistry.get(admin.system())
              .sessionFor(CassandraSessionSettings.create());
      Map<String, Long> rows = rowCounts(session, keyspaces);

      // backup: a snapshot on every Cassandra node (here one), copied off the data directory
      LocalInfra.infra(nodetool(List.of("snapshot", "-t", tag), keyspaces));
      Path backup = Path.of("target", "backups", tag).toAbsolutePath();
      List<String> copied = copySnapshots(dataDirectories(session), keyspaces, tag, backup);
      assertEquals(
          List.of(
              aggregates + ".aggregates_v2",
              aggregates + ".devices",
              aggregates + ".projection_versions",
              aggregates + ".rebuild_progress",
              aggregates + ".rebuilt_v2",
              keyspaces.get(0) + ".messages"),
          copied.stream().sorted().toList(),
          "the tables that hold rows, copied");
      LocalInfra.infra(nodetool(List.of("clearsnapshot", "-t", tag, "--"), keyspaces));

      // the loss: every keyspace of Squall dropped, the data gone with it (no auto snapshot)
      for (String keyspace : keyspaces) {
        session.executeWrite("DROP KEYSPACE " + keyspace).toCompletableFuture().get(60, SECONDS);
      }
      assertFalse(keyspaceExists(session, keyspaces.get(0)), "the journal's keyspace is gone");

      // restore: the schema, the versions, the schema again (now the serving version's tables),
      // then every other table
      SchemaCommand.create(admin.system(), config).get(2, TimeUnit.MINUTES);
      importCopy(backup, aggregates, "projection_versions");
      SchemaCommand.create(admin.system(), config).get(2, TimeUnit.MINUTES);
      for (String table : copied) {
        if (!table.endsWith(".projection_versions")) {
          importCopy(
              backup,
              table.substring(0, table.indexOf('.')),
              table.substring(table.indexOf('.') + 1));
        }
      }
      // (the first schema run made version 1's tables too, empty: the schema's own, not restored)
      Map<String, Long> restored = rowCounts(session, keyspaces);
      restored.keySet().retainAll(rows.keySet());
      assertEquals(rows, restored, "rows per table after the restore");
    } finally {
      admin.shutdownTestKit();
    }

    Map<String, JsonNode> after = recordRebuildAndAsk(config, false);
    for (String question : before.keySet()) {
      assertEquals(before.get(question), after.get(question), question + " after the restore");
    }
  }

  /**
   * A node on {@code config}: when {@code first}, records the file and rebuilds the aggregates into
   * version 2; then answers the questions a user asks of the station (live state, daily, monthly
   * and top-K figures) and the projections' state, once every reading is in the aggregates.
   */
  private static Map<String, JsonNode> recordRebuildAndAsk(Config config, boolean first)
      throws Exception {
    ActorTestKit testKit = ActorTestKit.create("BackupRestoreIT", config);
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      String api = NodeHttp.api(node);
      node.ingestion().toCompletableFuture().get(120, TimeUnit.SECONDS);
      String device = api + "/devices/" + SFO;
      if (first) {
        IngestSettings ingest = IngestSettings.create(config);
        ReadingsFiles.send(
            List.of(NoaaFile.bundled("sf-2008.csv.gz")),
            ingest.kafka(),
            ingest.topic(),
            new AtomicLong(),
            new AtomicLong());
        NodeHttp.await(device, state -> state.path("readings").asLong() == READINGS);
        HttpResponse<String> rebuild =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(api + "/projections/aggregates/rebuild"))
                        .header("Authorization", "Bearer " + TestNode.TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(202, rebuild.statusCode(), rebuild.body());
      }
      Map<String, JsonNode> answers = new LinkedHashMap<>();
      answers.put(
          "projections",
          NodeHttp.await(
              api + "/projections",
              projections ->
                  projections.at("/0/versions").size() == 1
                      && projections.at("/0/versions/0/version").asInt() == 2
                      && projections.at("/0/versions/0/eventsPending").asLong(-1) == 0));
      if (first) {
        // the node drops the version it replaced shortly after the switch
        awaitDropped(
            CassandraSessionRegistry.get(testKit.system())
                .sessionFor(CassandraSessionSettings.create()),
            config.getString("squall.projections.keyspace"),
            "aggregates_v1");
      }
      answers.put("live", NodeHttp.await(device, state -> state.path("readings").asLong() > 0));
      answers.put(
          "daily temperature",
          NodeHttp.await(
              device + "/daily?metric=temperature&from=2008-01-01&to=2008-12-31",
              days -> days.size() == 366));
      for (String metric : List.of("temperature", "pressure", "precipitation_1h")) {
        answers.put(
            "monthly " + metric,
            NodeHttp.await(
                device + "/monthly?metric=" + metric + "&year=2008",
                months -> months.size() == 12));
        answers.put(
            "top " + metric,
            NodeHttp.await(
                device + "/top?metric=" + metric + "&year=2008&k=10", days -> days.size() == 10));
      }
      return answers;
    } finally {
      ActorTestKit.shutdown(testKit.system(), Duration.ofSeconds(30), true);
    }
  }

  /** The records of the readings topic its consumer group has not committed. */
  private static long lag(IngestSettings ingest) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", LocalInfra.kafkaBootstrapServers());
    try (Admin kafka = Admin.create(props)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          kafka
              .listConsumerGroupOffsets(ingest.groupId())
              .partitionsToOffsetAndMetadata()
              .get(30, SECONDS);
      Map<TopicPartition, OffsetSpec> latest =
          new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
      for (int partition = 0; partition < ingest.partitions(); partition++) {
        latest.put(new TopicPartition(ingest.topic(), partition), OffsetSpec.latest());
      }
      long lag = 0;
      for (var end : kafka.listOffsets(latest).all().get(30, SECONDS).entrySet()) {
        OffsetAndMetadata done = committed.get(end.getKey());
        lag += end.getValue().offset() - (done == null ? 0 : done.offset());
      }
      return lag;
    }
  }

  private static String[] nodetool(List<String> command, List<String> keyspaces) {
    List<String> args = new ArrayList<>(List.of("nodetool"));
    args.addAll(command);
    args.addAll(keyspaces);
    return args.toArray(String[]::new);
  }

  private static void importCopy(Path backup, String keyspace, String table) {
    LocalInfra.infra(
        "nodetool",
        "import",
        "--copy-data",
        keyspace,
        table,
        backup.resolve(keyspace).resolve(table).toString());
  }

  /** A rebuild drops the version it replaced shortly after it switched reads. */
  private static void awaitDropped(CassandraSession session, String keyspace, String table)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (tables(session, keyspace).contains(table)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(keyspace + "." + table + " was not dropped after the rebuild");
      }
      Thread.sleep(500);
    }
  }

  private static List<String> tables(CassandraSession session, String keyspace) throws Exception {
    return session
        .selectAll("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)
        .toCompletableFuture()
        .get(30, SECONDS)
        .stream()
        .map(row -> row.getString("table_name"))
        .sorted()
        .toList();
  }

  /** Every table of {@code keyspaces}, {@code keyspace.table}, with its rows counted. */
  private static Map<String, Long> rowCounts(CassandraSession session, List<String> keyspaces)
      throws Exception {
    Map<String, Long> rows = new TreeMap<>();
    for (String keyspace : keyspaces) {
      for (String table : tables(session, keyspace)) {
        rows.put(
            keyspace + "." + table,
            session
                .selectOne("SELECT COUNT(*) FROM " + keyspace + "." + table)
                .toCompletableFuture()
                .get(60, SECONDS)
                .orElseThrow()
                .getLong(0));
      }
    }
    return rows;
  }

  /** Where Cassandra keeps its tables, as it says itself. */
  private static List<Path> dataDirectories(CassandraSession session) throws Exception {
    String value =
        session
            .selectOne(
                "SELECT value FROM system_views.settings WHERE name = 'data_file_directories'")
            .toCompletableFuture()
            .get(30, SECONDS)
            .orElseThrow()
            .getString("value")
            .replaceAll("[\\[\\]]", "");
    return Stream.of(value.split(",")).map(String::strip).map(Path::of).toList();
  }

  /**
   * Copies the snapshot {@code tag} of every table of {@code keyspaces} that holds rows to {@code
   * backup/KEYSPACE/TABLE}, as an operator ships them off the host; answers those tables, {@code
   * keyspace.table}.
   */
  private static List<String> copySnapshots(
      List<Path> dataDirectories, List<String> keyspaces, String tag, Path backup)
      throws IOException {
    List<String> copied = new ArrayList<>();
    for (Path data : dataDirectories) {
      for (String keyspace : keyspaces) {
        try (Stream<Path> tableDirs = Files.list(data.resolve(keyspace))) {
          for (Path tableDir : tableDirs.toList()) {
            Path snapshot = tableDir.resolve("snapshots").resolve(tag);
            if (!Files.isDirectory(snapshot) || !holdsData(snapshot)) {
              continue;
            }
            // a table's directory is TABLE-ID
            String table = tableDir.getFileName().toString().replaceFirst("-[0-9a-f]{32}$", "");
            Path target = backup.resolve(keyspace).resolve(table);
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(snapshot)) {
              for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
              }
            }
            copied.add(keyspace + "." + table);
          }
        }
      }
    }
    return copied;
  }

  /** Whether a table's snapshot holds SSTables: an empty table's has its schema only. */
  private static boolean holdsData(Path snapshot) throws IOException {
    try (Stream<Path> files = Files.list(snapshot)) {
      return files.anyMatch(file -> file.getFileName().toString().endsWith("-Data.db"));
    }
  }

  private static boolean keyspaceExists(CassandraSession session, String keyspace)
      throws Exception {
    return session
        .selectOne(
            "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)
        .toCompletableFuture()
        .get(30, SECONDS)
        .isPresent();
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
}
