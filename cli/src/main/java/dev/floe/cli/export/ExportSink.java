package dev.floe.cli.export;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An opened export destination: bytes go to {@link #stream()}, {@link #commit()} completes the
 * export, and {@link #close()} without a commit discards what can be discarded.
 */
public interface ExportSink extends Closeable {
  /**
   * Where the bytes go. Closing it only flushes: writers close their output when they finish, and
   * the sink must stay open for {@link #commit()}.
   */
  OutputStream stream();

  /** Completes the export: flushes, and for a file forces it to disk and moves it into place. */
  void commit() throws IOException;

  /** Releases the sink; without a commit, discards what it can. Idempotent. */
  @Override
  void close() throws IOException;
}
