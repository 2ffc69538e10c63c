package dev.floe.reader.parquet;

import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.page.PageReadStore;

/** Decodes one flat column of a row group, batch by batch, into an Arrow vector. */
interface ColumnChunkDecoder {
  /** Switches to the column chunk of a new row group. */
  void startRowGroup(PageReadStore pages);

  /** Decodes the next {@code rows} values into rows {@code [0, rows)} of {@code vector}. */
  void decode(FieldVector vector, int rows);
}
