package dev.floe.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Python process running {@code benchmarks/src/main/python/anchors.py} (pyarrow.dataset and
 * DuckDB reading data files on command), started once so no round pays Python's start-up. The
 * interpreter is the system property {@code floe.bench.python}, else {@code
 * python/.venv/bin/python} if present, else {@code python3}; without it, or without the script,
 * {@link #available()} is false and the benchmark says so.
 */
final class Anchors implements AutoCloseable {
  private static final String SCRIPT = "benchmarks/src/main/python/anchors.py";

  private final Process process;
  private final BufferedWriter commands;
  private final BufferedReader answers;
  private final String reason;

  private Anchors(Process process, String reason) {
    this.process = process;
    this.reason = reason;
    this.commands =
        process == null
            ? null
            : new BufferedWriter(
                new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    this.answers =
        process == null
            ? null
            : new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static Anchors start() {
    if (!Files.exists(Path.of(SCRIPT))) {
      return new Anchors(null, SCRIPT + " not found (run from the repository root)");
    }
    String python = System.getProperty("floe.bench.python");
    if (python == null) {
      python =
          Files.isExecutable(Path.of("python/.venv/bin/python"))
              ? "python/.venv/bin/python"
              : "python3";
    }
    try {
      Process process =
          new ProcessBuilder(python, SCRIPT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new Anchors(process, null);
    } catch (IOException e) {
      return new Anchors(null, "cannot start " + python + ": " + e.getMessage());
    }
  }

  boolean available() {
    return process != null;
  }

  String reason() {
    return reason;
  }

  /** Rows read and minus the reader's own nanoseconds; null if the reader is not installed. */
  long[] read(String command, List<String> files) {
    try {
      commands.write(command + " " + String.join(" ", files));
      commands.newLine();
      commands.flush();
      String answer = answers.readLine();
      if (answer == null) {
        throw new IllegalStateException("The anchors process ended");
      }
      if (answer.startsWith("skip")) {
        System.out.println("(" + command.split(" ")[0] + " skipped: " + answer.substring(4) + ")");
        return null;
      }
      String[] parts = answer.trim().split(" ");
      return new long[] {Long.parseLong(parts[0]), -(long) (Double.parseDouble(parts[1]) * 1e9)};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      try {
        commands.close();
      } catch (IOException e) {
        // the process is ending anyway
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
