package dev.floe.reader;

import java.io.Closeable;
import java.io.IOException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/**
 * Decodes one data file, batch by batch, into the read vectors it was opened with. One
 * implementation per file format; deletes, filters and compaction are not its business.
 */
public interface BatchSource extends Closeable {
  /**
   * Decodes the next batch into the read vectors.
   *
   * @return the number of rows decoded, 0 when the file is exhausted
   */
  default int next() {
    return next(Integer.MAX_VALUE);
  }

  /**
   * Decodes the next batch of at most {@code maxRows} rows (and at most the batch size the source
   * was opened with) into the read vectors.
   *
   * @param maxRows > 0
   * @return the number of rows decoded, 0 when the file is exhausted
   */
  int next(int maxRows);

  /**
   * Whether the next batch is the first of a row group / stripe, or of the file: estimates made
   * from earlier batches start over there, so that a file read whole and read as splits (which
   * start at row groups) are cut into the same batches.
   */
  boolean atBlockStart();

  /**
   * The position in the file of the first row of the last batch; the batch's rows are contiguous.
   */
  long firstPosition();

  /** Where the last batch came from, for error messages, e.g. "row group at row 4096". */
  String position();

  /**
   * Opens the iterator of a format reader's batches, which opens the file and reads its footer; if
   * that fails, {@code batches} is closed before the failure propagates.
   */
  static <T> CloseableIterator<T> openIterator(CloseableIterable<T> batches) {
    try {
      return batches.iterator();
    } catch (RuntimeException e) {
      try {
        batches.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
