package io.squall.projections;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Source;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The aggregate tables of each projection version, the table of known devices and each rebuild's
 * record of the devices it finished: what devices write and the API reads. The Cassandra
 * implementation lives in {@code internal}; the node builds it and passes it in.
 */
public interface AggregatesRepository {

  /** The rows of {@code deviceId}'s {@code periods} that exist. */
  CompletionStage<Map<Period, PeriodRow>> load(
      int version, String deviceId, Collection<Period> periods);

  /**
   * The rows of {@code deviceId}'s {@code periods} that exist, ascending, read at LOCAL_QUORUM:
   * {@code periods} are consecutive days, or consecutive months, ascending, so a store can read
   * them as one range per partition.
   */
  default CompletionStage<List<PeriodRow>> range(
      int version, String deviceId, List<? extends Period> periods) {
    return load(version, deviceId, List.copyOf(periods))
        .thenApply(found -> periods.stream().map(found::get).filter(r -> r != null).toList());
  }

  /**
   * Writes {@code rows} of {@code deviceId}, each with its {@code lastSeq} as write timestamp, in
   * batches of one partition each, kept under Cassandra's batch-size warning.
   */
  CompletionStage<Done> save(int version, String deviceId, Collection<PeriodRow> rows);

  /** Daily rows of a device's metric from {@code from} to {@code to} inclusive, ascending. */
  CompletionStage<List<AggregateRow>> daily(
      int version, String deviceId, String metric, LocalDate from, LocalDate to);

  /** Monthly rows of a device's metric in {@code year}, ascending. */
  CompletionStage<List<AggregateRow>> monthly(
      int version, String deviceId, String metric, int year);

  /**
   * Daily rows as the earlier layout ({@code daily_aggregates_v{N}}, a row per metric) holds them:
   * what an upgraded installation serves until a rebuild moves it.
   */
  CompletionStage<List<AggregateRow>> dailyOfEarlierLayout(
      int version, String deviceId, String metric, LocalDate from, LocalDate to);

  /** Monthly rows of the earlier layout ({@code monthly_aggregates_v{N}}). */
  CompletionStage<List<AggregateRow>> monthlyOfEarlierLayout(
      int version, String deviceId, String metric, int year);

  /** Adds {@code deviceId} to the known devices (once per device; again changes nothing). */
  CompletionStage<Done> registerDevice(String deviceId);

  /** Every known device, in the table's order. */
  Source<String, NotUsed> devices();

  /**
   * Records that {@code deviceId}'s rows of {@code version} hold its journal to {@code lastSeq}.
   */
  CompletionStage<Done> markRebuilt(int version, String deviceId, long lastSeq);

  /** Up to where {@code deviceId}'s journal was rebuilt into {@code version}, if it was. */
  CompletionStage<Optional<Long>> rebuilt(int version, String deviceId);

  /** Creates the tables of {@code version} if they do not exist. */
  CompletionStage<Done> createTables(int version);

  /** Drops the tables of {@code version}. */
  CompletionStage<Done> dropTables(int version);
}
