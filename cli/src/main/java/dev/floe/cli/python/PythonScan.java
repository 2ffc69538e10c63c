package dev.floe.cli.python;

import static java.util.Objects.requireNonNull;

/**
 * The Java side of a {@code pyarrow.RecordBatchReader} handed to Python: the C stream owns the scan
 * and closes it when pyarrow releases the stream; this handle only reports on it.
 */
public final class PythonScan {
  private final ExportedScan scan;

  PythonScan(ExportedScan scan) {
    this.scan = requireNonNull(scan, "scan is null");
  }

  /** The failure that ended the stream as Python raises it, or null. */
  public PythonException failure() {
    Throwable failure = scan.failure();
    return failure == null ? null : new PythonException(failure);
  }

  /** Whether the scan is closed: read to its end, failed, or released by pyarrow. */
  public boolean isClosed() {
    return scan.isClosed();
  }

  /** Rows read so far. */
  public long rowsRead() {
    return scan.rowsRead();
  }
}
