package io.squall.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code squall} command line: each command's options and help are defined once, on its class.
 * {@code --help} and {@code --version} work everywhere and start nothing. Exit codes: 0 done, 1 a
 * failure at run time (or, for {@code status}, an unhealthy cluster), 2 a usage error.
 */
@Command(
    name = "squall",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = "Squall: device readings from Kafka, event-sourced per device, aggregated.",
    subcommands = {
      NodeCommand.class,
      LoadCommand.class,
      JournalCommand.class,
      StatusCommand.class,
      RebuildCommand.class,
      TokenCommand.class,
      SchemaCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "'squall COMMAND --help' tells more about a command."})
public final class Cli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommonPool.size();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Cli())
        .setExecutionExceptionHandler(
            (failure, commandLine, parsed) -> {
              commandLine
                  .getErr()
                  .println(
                      commandLine.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
              return 1;
            });
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "which command?");
  }

  /** The version the build wrote in the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"squall " + (version == null ? "(development build)" : version)};
    }
  }
}
