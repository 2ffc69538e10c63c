package dev.floe.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the floe command in this JVM with captured standard output and error. */
final class Cli {
  private Cli() {}

  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exit + ", stderr: " + stderr;
    }
  }

  static Result run(String... args) {
    return run(false, args);
  }

  /** As if standard output were a terminal. */
  static Result runOnTerminal(String... args) {
    return run(true, args);
  }

  private static Result run(boolean terminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    int exit = Floe.run(new CommandIo(out, errors, false, terminal), args);
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
