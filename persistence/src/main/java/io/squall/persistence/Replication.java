package io.squall.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How every Squall keyspace is replicated: the journal's settings ({@code
 * akka.persistence.cassandra.journal.replication-strategy}, {@code replication-factor}, {@code
 * data-center-replication-factors}) apply to the snapshot, aggregates and projection-offset
 * keyspaces too, so that one setting decides for all.
 */
public record Replication(String strategy, int factor, List<String> dataCenters) {
  private static final String PATH = "akka.persistence.cassandra.journal";
  public static final String SIMPLE = "SimpleStrategy";
  public static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";

  public Replication {
    dataCenters = List.copyOf(dataCenters);
    if (strategy.equals(NETWORK_TOPOLOGY)) {
      if (dataCenters.isEmpty()) {
        throw new ConfigException.BadValue(
            PATH + ".data-center-replication-factors",
            "NetworkTopologyStrategy needs at least one data center, as \"dc1:3\"");
      }
      dataCenters.forEach(Replication::checkDataCenter);
    } else if (strategy.equals(SIMPLE)) {
      if (factor < 1) {
        throw new ConfigException.BadValue(
            PATH + ".replication-factor", "must be at least 1, was " + factor);
      }
    } else {
      throw new ConfigException.BadValue(
          PATH + ".replication-strategy",
          "must be " + SIMPLE + " or " + NETWORK_TOPOLOGY + ", was '" + strategy + "'");
    }
  }

  public static Replication create(Config config) {
    Config journal = config.getConfig(PATH);
    return new Replication(
        journal.getString("replication-strategy"),
        journal.getInt("replication-factor"),
        journal.getStringList("data-center-replication-factors"));
  }

  /** The CQL map of {@code CREATE KEYSPACE ... WITH replication = }. */
  public String cql() {
    if (strategy.equals(SIMPLE)) {
      return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
    }
    return dataCenters.stream()
        .map(
            dc -> {
              String[] nameAndFactor = dc.split(":");
              return "'" + nameAndFactor[0].trim() + "': " + nameAndFactor[1].trim();
            })
        .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
  }

  private static void checkDataCenter(String dc) {
    if (!dc.matches("\\s*[A-Za-z0-9_.-]+\\s*:\\s*[1-9][0-9]*\\s*")) {
      throw new ConfigException.BadValue(
          PATH + ".data-center-replication-factors",
          "each entry is a data center and its replication factor, as \"dc1:3\"; was '" + dc + "'");
    }
  }
}
