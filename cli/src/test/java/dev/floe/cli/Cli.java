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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Floe.run(
            new CommandIo(out, new PrintStream(err, true, StandardCharsets.UTF_8), false), args);
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
