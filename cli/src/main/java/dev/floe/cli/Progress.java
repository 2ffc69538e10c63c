package dev.floe.cli;

import java.io.PrintStream;

/**
 * A one-line progress display on stderr, redrawn at most five times a second; silent when stderr is
 * not a terminal.
 */
final class Progress {
  private final PrintStream err;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintStream err) {
    this.err = err;
  }

  static Progress forStderr() {
    return new Progress(System.console() == null ? null : System.err);
  }

  void update(long rows, long bytes) {
    if (err == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    double seconds = Math.max((now - start) / 1e9, 1e-9);
    err.printf("\r  %,d rows  %.1f MB/s  ", rows, bytes / 1e6 / seconds);
    drawn = true;
  }

  void done() {
    if (err != null && drawn) {
      err.print("\r\033[K");
    }
  }
}
