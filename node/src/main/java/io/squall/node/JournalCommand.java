package io.squall.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import io.squall.persistence.CassandraSecurity;
import io.squall.persistence.DeviceJournal;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code squall journal DEVICE [--from T] [--to T]}: a device's events from the real journal, in
 * order, one JSON line each, without joining a cluster.
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description =
        "Prints the events of DEVICE from the Cassandra journal, in order, one JSON line each: {sequenceNr, persistedAt, type, event}. Cassandra and its keyspaces are taken from the same environment variables as a node.")
final class JournalCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DEVICE", description = "the device id")
  String device;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      converter = Time.class,
      description = "events persisted at or after TIME: 2026-11-26T10:00:00Z or 2026-11-26 (UTC)")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      converter = Time.class,
      description = "events persisted at or before TIME, as --from")
  Instant to;

  @Override
  public Integer call() {
    // Log lines go to stderr so that stdout holds only the JSON lines; before any logger exists.
    System.setProperty("SQUALL_LOG_TARGET", "System.err");
    return print(device, from, to, System.out);
  }

  /** A time as an instant or a date (that day's start, UTC). */
  static final class Time implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return value.length() == 10
            ? LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC)
            : Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is neither 2026-11-26T10:00:00Z nor 2026-11-26");
      }
    }
  }

  private static int print(String device, Instant from, Instant to, PrintStream out) {
    Config config =
        NodeConfig.forCommand(
            "akka.persistence.cassandra.journal.keyspace-autocreate = false",
            "akka.persistence.cassandra.journal.tables-autocreate = false");
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "SquallJournal", config);
    try {
      long printed =
          DeviceJournal.events(system, device, from, to)
              .map(DeviceJournal::toJson)
              .runFold(
                  0L,
                  (count, line) -> {
                    out.println(line);
                    return count + 1;
                  },
                  system)
              .toCompletableFuture()
              .get(10, TimeUnit.MINUTES);
      out.flush();
      if (printed == 0) {
        System.err.println("squall journal: no events of device '" + device + "' in that range");
      }
      return 0;
    } catch (ExecutionException | CompletionException | TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      List<String> contactPoints =
          config.getStringList("datastax-java-driver.basic.contact-points");
      Optional<String> refusal = CassandraSecurity.refusal(cause, contactPoints);
      System.err.println(
          refusal.isPresent()
              ? "squall journal: "
                  + refusal.get()
                  + "\nCheck SQUALL_CASSANDRA_USERNAME and SQUALL_CASSANDRA_PASSWORD."
              : "squall journal: could not read the journal from Cassandra at "
                  + contactPoints
                  + " (keyspace "
                  + config.getString("akka.persistence.cassandra.journal.keyspace")
                  + "): "
                  + cause.getMessage()
                  + "\nCheck that Cassandra runs and SQUALL_CASSANDRA_CONTACT_POINTS /"
                  + " SQUALL_JOURNAL_KEYSPACE name it.");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      system.terminate();
    }
  }
}
