package dev.floe.cli;

import dev.floe.cli.filter.FilterException;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * The {@code floe} command. Exit codes: 0 ok, 1 failure, 2 usage (bad option, unknown table, filter
 * that does not fit the table). Errors are one line on stderr; {@code FLOE_DEBUG=1} adds the stack
 * trace.
 */
@Command(
    name = "floe",
    mixinStandardHelpOptions = true,
    version = "floe 0.1.0",
    description = "Read Apache Iceberg tables as bounded-memory streams of Arrow record batches.",
    subcommands = {
      DemoCommand.class,
      TablesCommand.class,
      PlanCommand.class,
      SplitsCommand.class,
      HeadCommand.class,
      ExportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Floe {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private final CommandIo io;

  Floe(CommandIo io) {
    this.io = io;
  }

  CommandIo io() {
    return io;
  }

  public static void main(String[] args) {
    // Hadoop warns on every start that it has no native library; it needs none here.
    System.setProperty(
        "org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader",
        System.getProperty(
            "org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error"));
    int exit = run(CommandIo.system(), args);
    System.exit(exit);
  }

  /** Runs the command line with the process's streams; for tests that only read exit codes. */
  static int run(String... args) {
    return run(CommandIo.system(), args);
  }

  static int run(CommandIo io, String... args) {
    CommandLine commandLine = new CommandLine(new Floe(io));
    commandLine.setOut(new java.io.PrintWriter(io.out(), true));
    commandLine.setErr(new java.io.PrintWriter(io.err(), true));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Floe::usageError);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          int exit = isUsage(e) ? USAGE : FAILURE;
          report(io.err(), prefix(cmd), e);
          return exit;
        });
    try {
      return commandLine.execute(args);
    } finally {
      io.flush();
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = prefix(cmd);
    cmd.getErr().println(name + ": " + oneLine(e.getMessage()) + " (see '" + name + " --help')");
    cmd.getErr().flush();
    return USAGE;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  private static boolean isUsage(Throwable e) {
    return e instanceof UsageException
        || e instanceof FilterException
        || e instanceof NoSuchTableException
        || e instanceof NoSuchNamespaceException;
  }

  static void report(PrintStream err, String command, Throwable e) {
    err.println(command + ": " + describe(e));
    if (debug()) {
      e.printStackTrace(err);
    }
    err.flush();
  }

  /** One line: the message, then the messages of its causes that add something. */
  static String describe(Throwable e) {
    Set<String> parts = new LinkedHashSet<>();
    String text = "";
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message == null || message.isBlank()) {
        if (cause == e) {
          parts.add(cause.getClass().getSimpleName());
        }
        continue;
      }
      String line = oneLine(message);
      if (!text.contains(line) && parts.add(line)) {
        text = String.join(": ", parts);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return String.join(": ", parts);
  }

  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static boolean debug() {
    String env = System.getenv("FLOE_DEBUG");
    return Boolean.getBoolean("floe.debug") || (env != null && !env.isEmpty() && !env.equals("0"));
  }
}
