package dev.floe.cli.export;

import java.io.Closeable;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Writes a stream of record batches in one export format. The writer is handed the stream's one
 * reused root at every call and must be done with the batch when {@link #write} returns.
 */
public interface BatchWriter extends Closeable {
  /** Writes the rows now in {@code batch}. */
  void write(VectorSchemaRoot batch) throws IOException;

  /** Completes the output (footers, end-of-stream marker) and flushes it. */
  void finish() throws IOException;

  /**
   * Releases what the writer holds. After {@link #finish()} this closes the output; without it the
   * output is incomplete, and the caller discards it.
   */
  @Override
  void close() throws IOException;
}
