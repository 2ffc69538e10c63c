package dev.floe.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A subcommand that a module built on the command line adds to {@code floe} without the command
 * line depending on it (the server's {@code floe serve}): listed in {@code
 * META-INF/services/dev.floe.cli.PluginCommand} and found with {@link java.util.ServiceLoader} on
 * the class path. The class carries picocli's {@code @Command} annotation like the built-in ones;
 * what it throws is reported as theirs is ({@link UsageException}: exit code 2).
 */
public interface PluginCommand extends Callable<Integer> {
  /** Gives the command the streams it prints to, before it runs. */
  void streams(PrintStream out, PrintStream err);
}
