package dev.floe.cli.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;

/**
 * Arrow IPC, written by Arrow Java's own writers from the scan's reused root: the streaming format
 * (schema, then one record batch message per batch, then the end-of-stream marker) or the file
 * format (the same between magic bytes, with a footer indexing the batches). Each batch is
 * serialized as it comes; nothing accumulates but the file format's footer entries (a few dozen
 * bytes per batch).
 */
final class ArrowIpcWriter implements BatchWriter {
  private final VectorSchemaRoot root;
  private final ArrowWriter writer;

  private ArrowIpcWriter(VectorSchemaRoot root, ArrowWriter writer) {
    this.root = root;
    this.writer = writer;
  }

  static ArrowIpcWriter open(VectorSchemaRoot root, OutputStream out, boolean fileFormat)
      throws IOException {
    DictionaryProvider noDictionaries = new DictionaryProvider.MapDictionaryProvider();
    ArrowWriter writer =
        fileFormat
            ? new ArrowFileWriter(root, noDictionaries, Channels.newChannel(out))
            : new ArrowStreamWriter(root, noDictionaries, Channels.newChannel(out));
    writer.start();
    return new ArrowIpcWriter(root, writer);
  }

  @Override
  public void write(VectorSchemaRoot batch) throws IOException {
    if (batch != root) {
      throw new IllegalArgumentException("Cannot write a batch of another root to Arrow IPC");
    }
    writer.writeBatch();
  }

  @Override
  public void finish() throws IOException {
    writer.end();
  }

  @Override
  public void close() {
    writer.close();
  }
}
