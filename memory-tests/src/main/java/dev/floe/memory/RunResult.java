package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the parent knows about one child run.
 *
 * @param request what the child was asked to read
 * @param limits the limits it ran under
 * @param status how it ended, from the exit code and the child's own report
 * @param exitCode the child's exit status (-1 if it was killed after the timeout)
 * @param report the child's report line, or null if it printed none
 * @param peakRssBytes the peak resident set: the larger of the child's own last {@code VmHWM} and
 *     the last {@code VmHWM} the parent sampled
 * @param processMillis wall time from process start to exit
 * @param samples {@code VmRSS} sampled every ~50 ms
 * @param log the child's stderr
 */
public record RunResult(
    ReadRequest request,
    JvmLimits limits,
    Status status,
    int exitCode,
    ChildReport report,
    long peakRssBytes,
    long processMillis,
    List<RssSample> samples,
    Path log) {

  /** How a run ended. */
  public enum Status {
    COMPLETED,
    OUT_OF_MEMORY,
    FAILED,
    TIMED_OUT
  }

  public RunResult {
    requireNonNull(request, "request is null");
    requireNonNull(limits, "limits is null");
    requireNonNull(status, "status is null");
    samples = List.copyOf(samples);
    requireNonNull(log, "log is null");
  }

  /** Rows the child read (up to its failure). */
  public long rows() {
    return report == null ? 0 : report.rows();
  }

  /** The child's checksum; 0 unless it completed. */
  public long checksum() {
    return report == null ? 0 : report.checksum();
  }

  /** Peak resident set in MiB. */
  public double peakRssMib() {
    return peakRssBytes / (1024.0 * 1024.0);
  }

  /** Seconds the read itself took, as the child measured it. */
  public double readSeconds() {
    return report == null ? processMillis / 1000.0 : report.readNanos() / 1e9;
  }

  /** One line for logs and assertion messages. */
  public String describe() {
    return String.format(
        "%s %s batch %d under %s: %s (exit %d), %,d rows, peak RSS %.1f MiB, %.1f s%s",
        request.mode().label(),
        request.table(),
        request.batchSize(),
        limits,
        status,
        exitCode,
        rows(),
        peakRssMib(),
        readSeconds(),
        report != null && report.error() != null ? ", " + report.error() : "");
  }
}
