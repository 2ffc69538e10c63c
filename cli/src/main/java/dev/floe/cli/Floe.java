package dev.floe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code floe} command. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(
    name = "floe",
    mixinStandardHelpOptions = true,
    version = "floe 0.1.0",
    description = "Read Apache Iceberg tables as bounded-memory streams of Arrow record batches.",
    subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class Floe {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine commandLine = new CommandLine(new Floe());
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("floe: " + e.getMessage());
          if (Boolean.getBoolean("floe.debug")) {
            e.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return commandLine.execute(args);
  }
}
