package dev.floe.cli;

import picocli.CommandLine.Option;

/** Whether long work draws a progress line on stderr. */
final class ProgressOptions {
  @Option(
      names = {"-q", "--quiet"},
      description = "No progress line and no summary on stderr.")
  boolean quiet;

  @Option(
      names = "--progress",
      description = "Draw the progress line even when stderr is not a terminal.")
  boolean force;

  boolean progressEnabled(CommandIo io) {
    return !quiet && (force || io.errIsTerminal());
  }
}
