package dev.floe.memory;

/**
 * What a child JVM reports about its read, as one JSON line on stdout.
 *
 * @param outcome how the read ended
 * @param rows rows read (up to the failure, when it failed)
 * @param checksum {@link RowChecksum} of the rows, 0 unless the read completed
 * @param batches batches returned by the scan (0 for row-based modes)
 * @param files data files opened
 * @param readNanos time from opening the table to the end of the read (or the failure)
 * @param hwmBytes the child's own {@code VmHWM} just before it reports
 * @param arrowPeakBytes the peak of the Arrow root allocator
 * @param heapAfterGcPeakBytes the largest heap occupancy right after a garbage collection
 * @param error the failure's class and message, or null
 */
public record ChildReport(
    Outcome outcome,
    long rows,
    long checksum,
    long batches,
    long files,
    long readNanos,
    long hwmBytes,
    long arrowPeakBytes,
    long heapAfterGcPeakBytes,
    String error) {

  /** How a child's read ended. */
  public enum Outcome {
    COMPLETED,
    /** A Java heap or direct-memory {@code OutOfMemoryError}, or the Arrow allocator's limit. */
    OUT_OF_MEMORY,
    FAILED
  }
}
