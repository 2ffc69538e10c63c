package dev.floe.cli.python;

import static java.util.Objects.requireNonNull;

import dev.floe.cli.Floe;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@link ArrowReader} that the Arrow C stream interface exports to Python: each batch of the
 * scan is moved (transferred, not copied) out of the stream's reused batch into this reader's own,
 * whose buffers belong to the session's allocator.
 *
 * <p>The move is what makes a kept batch safe for the whole life of the consumer: pyarrow's {@code
 * read_all()}, or a batch the user holds after the reader is gone, keeps its buffers after the
 * stream, and with it the stream's child allocator, is closed; the memory is returned when Python
 * releases the last reference. The stream then decodes each batch into fresh buffers.
 *
 * <p>A read failure reaches the consumer as Floe's one-line message (see {@link ReadFailure}) and
 * is kept ({@link #failure()}) for Python to raise as {@code floe.ReadError} where it reads the
 * stream itself. Called by one consumer thread at a time.
 */
final class ExportedScan extends ArrowReader {
  private final RecordBatchStream stream;
  private final Runnable onClose;
  private volatile Throwable failure;
  private volatile boolean closed;

  ExportedScan(RecordBatchStream stream, BufferAllocator allocator, Runnable onClose) {
    super(allocator);
    this.stream = requireNonNull(stream, "stream is null");
    this.onClose = requireNonNull(onClose, "onClose is null");
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    if (context == null) {
      // A consumer's native thread (DuckDB's, pyarrow's) attached by JNI has none; snappy-java,
      // Hadoop and Iceberg look classes and resources up through it.
      thread.setContextClassLoader(ExportedScan.class.getClassLoader());
    }
    try {
      if (closed) {
        // read past the end, or after a failure: the scan is gone, nothing more comes
        if (failure != null) {
          throw new ReadFailure(failure);
        }
        return false;
      }
      if (transferNextBatch()) {
        return true;
      }
      // The end: close the scan now rather than when the consumer releases the stream, which
      // pyarrow does only when the reader is closed or dropped, DuckDB at its next query.
      getVectorSchemaRoot().clear();
      closeReadSource();
      return false;
    } catch (IOException | RuntimeException | Error e) {
      if (e instanceof ReadFailure) {
        throw e;
      }
      failure = e;
      clearBatch(e);
      try {
        closeReadSource();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new ReadFailure(e);
    } finally {
      if (context == null) {
        thread.setContextClassLoader(null);
      }
    }
  }

  private boolean transferNextBatch() throws IOException {
    VectorSchemaRoot target = getVectorSchemaRoot();
    if (!stream.loadNextBatch()) {
      return false;
    }
    VectorSchemaRoot source = stream.getVectorSchemaRoot();
    List<FieldVector> from = source.getFieldVectors();
    List<FieldVector> to = target.getFieldVectors();
    for (int i = 0; i < from.size(); i++) {
      from.get(i).makeTransferPair(to.get(i)).transfer();
    }
    target.setRowCount(source.getRowCount());
    return true;
  }

  /**
   * What the C stream interface reports to its consumer: Arrow Java hands the consumer the
   * exception's stack trace as the error text (pyarrow raises it as {@code OSError}); this one has
   * Floe's one-line message and nothing else. The real exception stays in {@link #failure()}.
   */
  static final class ReadFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ReadFailure(Throwable failure) {
      super(Floe.describe(failure));
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private void clearBatch(Throwable failure) {
    try {
      getVectorSchemaRoot().clear();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** The failure that ended the stream, or null. */
  Throwable failure() {
    return failure;
  }

  /** Whether the scan is closed: read to its end, failed, or released by its consumer. */
  boolean isClosed() {
    return closed;
  }

  long rowsRead() {
    return stream.rowsRead();
  }

  @Override
  public long bytesRead() {
    return stream.bytesRead();
  }

  @Override
  protected Schema readSchema() throws IOException {
    return stream.getVectorSchemaRoot().getSchema();
  }

  /** Closes this reader's batch and the stream; idempotent. */
  @Override
  public void close() {
    try {
      super.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes the stream (its files, deletes and allocator), at the end, on a failure or when the
   * consumer releases the C stream, whichever comes first; batches Python holds stay valid.
   */
  @Override
  protected void closeReadSource() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stream.close();
    } finally {
      onClose.run();
    }
  }
}
