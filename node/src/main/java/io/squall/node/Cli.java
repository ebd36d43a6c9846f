package io.squall.node;

import java.util.Arrays;

/** The {@code squall} command line: one entry point, a subcommand each, {@code --help} for each. */
public final class Cli {
  private static final String USAGE =
      String.join(
          "\n",
          "usage: squall COMMAND [ARGS]",
          "",
          "commands:",
          "  node       run one Squall node, configured by environment variables",
          "  load       send readings files (ISD-lite, JSON lines; .gz, .zip) to the readings topic",
          "  journal    print a device's events from the journal as JSON lines",
          "  status     cluster members, device shards, consumer lag, projection versions and lag",
          "  rebuild    build the next version of the aggregate tables from the journal",
          "  schema     create what is missing of Squall's keyspaces and tables in Cassandra",
          "",
          "'squall COMMAND --help' tells more about a command.");

  private Cli() {}

  public static void main(String[] args) {
    CommonPool.size();
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      System.out.println(USAGE);
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "node" -> Main.main(rest);
      case "journal" -> System.exit(JournalCommand.run(rest));
      case "load" -> System.exit(LoadCommand.run(rest));
      case "demo-report" -> System.exit(DemoCommand.run(rest));
      case "schema" -> System.exit(SchemaCommand.run(rest));
      case "status", "rebuild" -> System.exit(StatusCommand.run(args[0], rest));
      default -> {
        System.err.println("squall: unknown command '" + args[0] + "'\n\n" + USAGE);
        System.exit(2);
      }
    }
  }
}
