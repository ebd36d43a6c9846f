package io.squall.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.squall.http.HttpSettings;
import io.squall.persistence.DeviceSettings;
import io.squall.projections.ProjectionSettings;
import io.squall.sharding.IngestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Typed node settings, read and validated once at startup. */
public record NodeSettings(
    Join join,
    boolean management,
    String kafkaBootstrapServers,
    HttpSettings http,
    DeviceSettings device,
    IngestSettings ingest,
    ProjectionSettings projections) {

  /** How the node finds its cluster. */
  public enum Join {
    SELF,
    SEED_NODES,
    BOOTSTRAP
  }

  public static NodeSettings create(Config config) {
    String join = config.getString("squall.cluster.join");
    Join mode =
        switch (join) {
          case "self" -> Join.SELF;
          case "seed-nodes" -> Join.SEED_NODES;
          case "bootstrap" -> Join.BOOTSTRAP;
          default ->
              throw new ConfigException.BadValue(
                  "squall.cluster.join",
                  "must be self, seed-nodes or bootstrap, was '" + join + "'");
        };
    if (mode == Join.SEED_NODES && config.getStringList("akka.cluster.seed-nodes").isEmpty()) {
      throw new ConfigException.BadValue(
          "akka.cluster.seed-nodes",
          "is empty but squall.cluster.join is seed-nodes (set SQUALL_SEED_NODES)");
    }
    checkRemotingKeys(config);
    String bootstrap = config.getString("squall.kafka.bootstrap-servers");
    if (bootstrap.isBlank()) {
      throw new ConfigException.BadValue("squall.kafka.bootstrap-servers", "must not be empty");
    }
    return new NodeSettings(
        mode,
        config.getBoolean("squall.cluster.management"),
        bootstrap,
        HttpSettings.create(config),
        DeviceSettings.create(config),
        IngestSettings.create(config),
        ProjectionSettings.create(config));
  }

  /** Remoting over TLS needs its key, certificate and CA certificate, each readable. */
  private static void checkRemotingKeys(Config config) {
    String transport = config.getString("akka.remote.artery.transport");
    if (!transport.equals("tls-tcp")) {
      return;
    }
    String engine = "akka.remote.artery.ssl.rotating-keys-engine.";
    for (String file : List.of("key-file", "cert-file", "ca-cert-file")) {
      Path path = Path.of(config.getString(engine + file));
      if (!Files.isReadable(path)) {
        throw new ConfigException.BadValue(
            engine + file,
            "remoting over TLS (SQUALL_REMOTE_TRANSPORT=tls-tcp) needs "
                + path
                + ", which cannot be read; SQUALL_REMOTE_TLS_DIR names the directory holding"
                + " tls.key, tls.crt and ca.crt");
      }
    }
  }
}
