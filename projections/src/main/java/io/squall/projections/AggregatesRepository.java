package io.squall.projections;

import akka.Done;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The aggregate tables of one projection version: what the handler writes and the API reads. The
 * Cassandra implementation lives in {@code internal}; the node builds it and passes it in.
 */
public interface AggregatesRepository {

  /** The rows of {@code keys} that exist. */
  CompletionStage<Map<AggregateRow.Key, AggregateRow>> load(
      int version, Collection<AggregateRow.Key> keys);

  /** Writes {@code rows}, batched per partition. */
  CompletionStage<Done> save(int version, Collection<AggregateRow> rows);

  /** Daily rows of a device's metric from {@code from} to {@code to} inclusive, ascending. */
  CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to);

  /** Monthly rows of a device's metric in {@code year}, ascending. */
  CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year);

  /** Creates the tables of {@code version} if they do not exist. */
  CompletionStage<Done> createTables(int version);

  /** Drops the tables of {@code version}. */
  CompletionStage<Done> dropTables(int version);
}
