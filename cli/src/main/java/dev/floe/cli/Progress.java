package dev.floe.cli;

import java.io.PrintStream;

/**
 * A one-line progress display on stderr: rows so far, throughput, and the share done with an ETA
 * once the planned record count is known. Redrawn at most five times a second; a disabled progress
 * draws nothing.
 *
 * <p>The share done is an estimate: rows scanned (returned plus deleted) against the planned
 * records, or data files finished against planned files when a filter drops rows, whichever is
 * further along; with a limit, also rows returned against the limit.
 */
final class Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintStream err;
  private final String label;
  private final long start = System.nanoTime();
  private long plannedRecords = -1;
  private long plannedFiles = -1;
  private long limit = -1;
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintStream err, String label) {
    this.err = err;
    this.label = label;
  }

  static Progress create(CommandIo io, boolean enabled, String label) {
    return new Progress(enabled ? io.err() : null, label);
  }

  static Progress disabled() {
    return new Progress(null, "");
  }

  boolean enabled() {
    return err != null;
  }

  /** The planned size, for the share done and the ETA. */
  void expect(long records, long files, Long rowLimit) {
    this.plannedRecords = records;
    this.plannedFiles = files;
    this.limit = rowLimit == null ? -1 : rowLimit;
  }

  /**
   * @param rows rows returned so far
   * @param scanned rows returned plus rows deleted so far
   * @param files data files opened so far (the last one still open)
   * @param bytes bytes for the throughput figure (written for exports, read otherwise)
   */
  void update(long rows, long scanned, long files, long bytes) {
    if (err == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    double seconds = Math.max((now - start) / 1e9, 1e-9);
    StringBuilder line = new StringBuilder("\r").append(label);
    line.append(String.format("%,d rows", rows));
    double share = share(rows, scanned, files);
    if (share >= 0) {
      line.append(String.format("  %3.0f%%", share * 100));
    }
    line.append(String.format("  %,.1f MB/s", bytes / 1e6 / seconds));
    if (share >= 0.01 && seconds >= 1) {
      line.append("  ETA ").append(duration(seconds * (1 - share) / share));
    }
    err.print(line.append("\033[K"));
    err.flush();
    drawn = true;
  }

  private double share(long rows, long scanned, long files) {
    double share = -1;
    if (plannedRecords > 0) {
      share = Math.max(share, (double) scanned / plannedRecords);
    }
    if (plannedFiles > 0) {
      share = Math.max(share, (double) Math.max(files - 1, 0) / plannedFiles);
    }
    if (limit > 0) {
      share = Math.max(share, (double) rows / limit);
    }
    return share < 0 ? -1 : Math.min(share, 1.0);
  }

  static String duration(double seconds) {
    long total = Math.round(seconds);
    if (total >= 3600) {
      return String.format("%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
    }
    return String.format("%d:%02d", total / 60, total % 60);
  }

  /** Clears the line so that what follows starts clean. */
  void done() {
    if (err != null && drawn) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
