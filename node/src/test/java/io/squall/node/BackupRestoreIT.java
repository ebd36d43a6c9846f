package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import io.squall.persistence.testing.NoaaFile;
import io.squall.sharding.IngestSettings;
import io.squall.sharding.ReadingsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The backup and restore of docs/operations.md, run once for real: a node records the 2008 SFO
 * file; Cassandra's own snapshots of Squall's three keyspaces are copied away; the keyspaces are
 * dropped; the schema is made again ({@code squall schema}) and the copies imported ({@code
 * nodetool import}); a new node then answers every question as the first did.
 */
class BackupRestoreIT {
  private static final String SFO = "724940:23234";
  private static final int READINGS = 8_784;

  @Test
  void shouldAnswerTheSameOnceASnapshotIsRestoredIntoDroppedKeyspaces() throws Exception {
    Config config = TestNode.config("it_backup");
    List<String> keyspaces =
        List.of(
            config.getString("akka.persistence.cassandra.journal.keyspace"),
            config.getString("akka.persistence.cassandra.snapshot.keyspace"),
            config.getString("squall.projections.keyspace"));
    String tag = "backup-" + keyspaces.get(0);

    Map<String, JsonNode> before = recordAndAsk(config, true);
    assertEquals(READINGS, before.get("live").get("readings").asLong());

    ActorTestKit admin = ActorTestKit.create("BackupRestoreITAdmin", config);
    try {
      CassandraSession session =
          CassandraSessionRegistry.get(admin.system())
              .sessionFor(CassandraSessionSettings.create());
      // backup: a snapshot on every Cassandra node (here one), copied off the data directory
      nodetool(List.of("snapshot", "-t", tag), keyspaces);
      Path backup = Path.of("target", "backups", tag).toAbsolutePath();
      int tables = copySnapshots(dataDirectories(session), keyspaces, tag, backup);
      assertTrue(tables >= 4, "journal, snapshot and aggregate tables copied: " + tables);
      nodetool(List.of("clearsnapshot", "-t", tag, "--"), keyspaces);

      // the loss: every keyspace of Squall dropped, the data gone with it (no auto snapshot)
      for (String keyspace : keyspaces) {
        session.executeWrite("DROP KEYSPACE " + keyspace).toCompletableFuture().get(60, SECONDS);
      }
      assertFalse(keyspaceExists(session, keyspaces.get(0)), "the journal's keyspace is gone");

      // restore: the schema first, then each table's files
      SchemaCommand.create(admin.system(), config).get(2, TimeUnit.MINUTES);
      try (Stream<Path> copies = Files.list(backup)) {
        for (Path keyspace : copies.toList()) {
          try (Stream<Path> tableCopies = Files.list(keyspace)) {
            for (Path table : tableCopies.toList()) {
              LocalInfra.infra(
                  "nodetool",
                  "import",
                  "--copy-data",
                  keyspace.getFileName().toString(),
                  table.getFileName().toString(),
                  table.toString());
            }
          }
        }
      }
    } finally {
      admin.shutdownTestKit();
    }

    Map<String, JsonNode> after = recordAndAsk(config, false);
    for (String question : before.keySet()) {
      assertEquals(before.get(question), after.get(question), question + " after the restore");
    }
  }

  /**
   * A node on {@code config}: records the file when {@code load}, then answers the questions a user
   * asks of the station (live state, daily, monthly and top-K figures), once every reading is in
   * the aggregates.
   */
  private static Map<String, JsonNode> recordAndAsk(Config config, boolean load) throws Exception {
    ActorTestKit testKit = ActorTestKit.create("BackupRestoreIT", config);
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      String api = NodeHttp.api(node);
      node.ingestion().toCompletableFuture().get(120, TimeUnit.SECONDS);
      if (load) {
        IngestSettings ingest = IngestSettings.create(config);
        ReadingsFiles.send(
            List.of(NoaaFile.bundled("sf-2008.csv.gz")),
            ingest.kafka(),
            ingest.topic(),
            new AtomicLong(),
            new AtomicLong());
      }
      String device = api + "/devices/" + SFO;
      NodeHttp.await(device, state -> state.path("readings").asLong() == READINGS);
      NodeHttp.await(
          api + "/projections",
          projections -> projections.at("/0/versions/0/eventsPending").asLong(-1) == 0);
      Map<String, JsonNode> answers = new LinkedHashMap<>();
      answers.put("live", NodeHttp.await(device, state -> true));
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

  private static void nodetool(List<String> command, List<String> keyspaces) {
    List<String> args = new java.util.ArrayList<>(List.of("nodetool"));
    args.addAll(command);
    args.addAll(keyspaces);
    LocalInfra.infra(args.toArray(String[]::new));
  }

  /** Where Cassandra keeps its tables, as it says itself. */
  private static List<Path> dataDirectories(CassandraSession session) throws Exception {
    Row row =
        session
            .selectOne(
                "SELECT value FROM system_views.settings WHERE name = 'data_file_directories'")
            .toCompletableFuture()
            .get(30, SECONDS)
            .orElseThrow();
    String value = row.getString("value").replaceAll("[\\[\\]]", "");
    return Stream.of(value.split(",")).map(String::strip).map(Path::of).toList();
  }

  /**
   * Copies the snapshot {@code tag} of every table of {@code keyspaces} to {@code
   * backup/KEYSPACE/TABLE}, as an operator ships them off the host; answers the tables copied.
   */
  private static int copySnapshots(
      List<Path> dataDirectories, List<String> keyspaces, String tag, Path backup)
      throws IOException {
    int tables = 0;
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
                copy(file, target.resolve(file.getFileName()));
              }
            }
            tables++;
          }
        }
      }
    }
    return tables;
  }

  /** Whether a table's snapshot holds SSTables: an empty table's has its schema only. */
  private static boolean holdsData(Path snapshot) throws IOException {
    try (Stream<Path> files = Files.list(snapshot)) {
      return files.anyMatch(file -> file.getFileName().toString().endsWith("-Data.db"));
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
