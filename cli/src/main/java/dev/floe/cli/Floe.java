package dev.floe.cli;

import dev.floe.cli.filter.FilterException;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private static final Pattern MAP_VALUE =
      Pattern.compile(
          "Value for option (?:option )?'([^']+)' \\(([^)]*)\\) should be in KEY=VALUE format but"
              + " was (.*)");

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
    return execute(commandLine(io), io, args);
  }

  /** The command line with its streams and handlers, not run yet. */
  static CommandLine commandLine(CommandIo io) {
    CommandLine commandLine = new CommandLine(new Floe(io));
    for (PluginCommand plugin : ServiceLoader.load(PluginCommand.class)) {
      plugin.streams(io.out(), io.err());
      commandLine.addSubcommand(plugin);
    }
    sameVersion(commandLine, commandLine.getCommandSpec().version());
    commandLine.setOut(new java.io.PrintWriter(io.out(), true));
    commandLine.setErr(new java.io.PrintWriter(io.err(), true));
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Floe::usageError);
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof AlreadyReported) {
            return FAILURE; // the JVM is exiting on a signal; its status wins
          }
          int exit = isUsage(e) ? USAGE : FAILURE;
          report(io.err(), prefix(cmd), e);
          return exit;
        });
    return commandLine;
  }

  /**
   * Runs the command line. Running out of heap is one line like every other failure (picocli hands
   * only exceptions to the handler; an Error would end the JVM with a stack trace).
   */
  static int execute(CommandLine commandLine, CommandIo io, String... args) {
    try {
      return commandLine.execute(args);
    } catch (OutOfMemoryError e) {
      io.err()
          .println(
              prefix(running(commandLine))
                  + ": Out of memory ("
                  + (e.getMessage() == null ? "Java heap space" : e.getMessage())
                  + "); give the JVM more with FLOE_JAVA_OPTS=-Xmx..., or read less at once"
                  + " (--batch-size, --parallelism)");
      if (debug()) {
        e.printStackTrace(io.err());
      }
      return FAILURE;
    } finally {
      io.flush();
    }
  }

  /** Gives every subcommand the top level's version, so {@code floe head -V} prints it too. */
  private static void sameVersion(CommandLine command, String[] version) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().version(version);
      }
      sameVersion(sub, version);
    }
  }

  /** The subcommand being run, or the top-level command before parsing finished. */
  private static CommandLine running(CommandLine commandLine) {
    CommandLine.ParseResult parsed = commandLine.getParseResult();
    if (parsed == null) {
      return commandLine;
    }
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String name = prefix(cmd);
    cmd.getErr()
        .println(name + ": " + usageMessage(e.getMessage()) + " (see '" + name + " --help')");
    cmd.getErr().flush();
    return USAGE;
  }

  /**
   * Picocli's message on one line, in the house form where picocli's own reads badly: a map option
   * without '=' comes out as "Value for option option '--rewrite-prefix' (FROM=TO) should be in
   * KEY=VALUE format but was abc".
   */
  static String usageMessage(String message) {
    String line = oneLine(message);
    Matcher map = MAP_VALUE.matcher(line);
    if (map.matches()) {
      return "Invalid " + map.group(1) + ": '" + map.group(3) + "', expected " + map.group(2);
    }
    return line.replace("option option '", "option '");
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  /**
   * Whether {@code e} is about what the user asked for (exit code 2) rather than a failure while
   * doing it (exit code 1).
   */
  public static boolean isUsage(Throwable e) {
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
  public static String describe(Throwable e) {
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
