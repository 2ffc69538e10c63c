package dev.floe.reader;

import java.io.Closeable;

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
  int next();

  /**
   * The position in the file of the first row of the last batch; the batch's rows are contiguous.
   */
  long firstPosition();

  /** Where the last batch came from, for error messages, e.g. "row group at row 4096". */
  String position();
}
