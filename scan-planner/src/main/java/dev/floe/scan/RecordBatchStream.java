package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import dev.floe.FloeException;
import dev.floe.arrow.ArrowSchemas;
import dev.floe.reader.FileTaskReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/**
 * The rows of a {@link DataScan} as Arrow record batches, read one data file at a time.
 *
 * <p>It is an Arrow {@link ArrowReader}, so Arrow's IPC writers and the C Data interface ({@code
 * Data.exportArrayStream}) take it as is, and it is {@link Iterable} for plain Java loops. Both
 * views share <b>one reused {@link VectorSchemaRoot}</b>: a batch is valid until the next call to
 * {@link #loadNextBatch()} or {@code next()}; a consumer who keeps rows longer transfers or copies
 * them (e.g. with {@code TransferPair}). Every batch has between 1 and {@code batchSize} rows.
 *
 * <p>Memory: the stream allocates from its own child of the caller's allocator. At any time it
 * holds the reused batch, one open data file (one Parquet row group's projected column chunks or
 * one ORC stripe's projected streams) and that file's deletes; never the plan of the whole table.
 * With {@link DataScan#parallelism(int) parallelism} n, up to n splits are open at once on worker
 * threads, each with its own decoder state and deletes, plus the batches decoded ahead (at most
 * {@link DataScan#maxBufferedBytes(long) maxBufferedBytes}, and one batch per thread); the batches
 * still come in the serial order. {@link #close()} at any point stops the work and releases every
 * buffer and file handle; it is idempotent, and it may be called from another thread, e.g. to
 * cancel a consumer blocked in {@link #loadNextBatch()}. Apart from {@code close()}, one consumer
 * thread calls it (worker threads, if any, are internal); a second thread in {@code
 * loadNextBatch()} at the same time fails with an {@link IllegalStateException}.
 */
public final class RecordBatchStream extends ArrowReader implements Iterable<VectorSchemaRoot> {
  private final ScanPlan plan;
  private final Schema arrowSchema;
  private final org.apache.iceberg.Schema icebergSchema;
  private CloseableIterable<FileScanTask> tasks;
  private CloseableIterator<FileScanTask> taskIterator;
  private FileTaskReader current;
  private ParallelSplits parallel;
  private long remaining;
  private long rows;
  private long batches;
  private long files;
  private long deletedRows;
  private long bytesRead;
  private boolean exhausted;
  private boolean iteratorTaken;

  /** Guards {@link #consumer} and the start of {@link #close()}. */
  private final Object state = new Object();

  /** The thread inside {@link #loadNextBatch()}, or null. */
  private Thread consumer;

  /** Set once, by the first {@link #close()}; read without the lock by the loading loop. */
  private volatile boolean closed;

  /** Whether the first {@link #close()} has released everything; guarded by {@link #state}. */
  private boolean released;

  private RecordBatchStream(BufferAllocator allocator, ScanPlan plan) {
    super(allocator);
    this.plan = plan;
    this.icebergSchema = plan.outputSchema();
    this.arrowSchema = ArrowSchemas.toArrow(icebergSchema);
    this.remaining = plan.limit() < 0 ? Long.MAX_VALUE : plan.limit();
  }

  static RecordBatchStream open(ScanPlan plan, BufferAllocator parent) {
    requireNonNull(plan, "plan is null");
    BufferAllocator allocator =
        parent.newChildAllocator("floe-scan " + plan.context().tableName(), 0, parent.getLimit());
    try {
      return new RecordBatchStream(allocator, plan);
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  /** The Iceberg schema of the output columns, in output order. */
  public org.apache.iceberg.Schema icebergSchema() {
    return icebergSchema;
  }

  /** Rows returned so far. */
  public long rowsRead() {
    return rows;
  }

  /** Batches returned so far. */
  public long batchesRead() {
    return batches;
  }

  /** Data files opened so far. */
  public long filesRead() {
    return files + (parallel == null ? 0 : parallel.files());
  }

  /** Rows removed by position and equality deletes in the files read so far. */
  public long deletedRowsSoFar() {
    return deletedRows
        + (current == null ? 0 : current.deletedRows())
        + (parallel == null ? 0 : parallel.deletedRows());
  }

  /**
   * Loads the next batch into {@link #getVectorSchemaRoot()}.
   *
   * @return false when the scan is done
   * @throws FloeException naming the table, file and position if a file cannot be read
   */
  @Override
  public boolean loadNextBatch() throws IOException {
    synchronized (state) {
      if (closed) {
        throw new IllegalStateException("Cannot read from a closed RecordBatchStream");
      }
      if (consumer != null) {
        // two consumers would decode into the same reused batch
        throw new IllegalStateException(
            "Cannot read table "
                + plan.context().tableName()
                + ": another thread is reading this RecordBatchStream; a stream has one consumer");
      }
      consumer = Thread.currentThread();
    }
    boolean loaded = false;
    try {
      loaded = loadNext();
    } finally {
      synchronized (state) {
        if (closed) {
          // closed from another thread meanwhile: the batch is released as soon as this returns
          loaded = false;
          getVectorSchemaRoot().setRowCount(0);
        }
        consumer = null;
        state.notifyAll();
      }
    }
    return loaded;
  }

  private boolean loadNext() throws IOException {
    VectorSchemaRoot root = getVectorSchemaRoot();
    if (exhausted) {
      root.setRowCount(0);
      return false;
    }
    try {
      if (plan.parallelism() > 1) {
        if (remaining > 0 && loadFromParallelSplits(root)) {
          return true;
        }
      } else {
        while (remaining > 0 && !closed) {
          if (current == null && !openNextFile(root)) {
            break;
          }
          if (current.next()) {
            int count = (int) Math.min(current.rowCount(), remaining);
            root.setRowCount(count);
            handedOut(count);
            return true;
          }
          closeCurrentFile();
        }
      }
    } catch (RuntimeException | IOException e) {
      releaseSources(e);
      throw e;
    }
    root.setRowCount(0);
    releaseSources(null);
    return false;
  }

  private boolean loadFromParallelSplits(VectorSchemaRoot root) throws IOException {
    if (parallel == null) {
      this.parallel = new ParallelSplits(plan, arrowSchema, allocator);
    }
    int count = parallel.next(root);
    if (count == 0) {
      return false;
    }
    if (count > remaining) {
      count = (int) remaining;
      root.setRowCount(count);
    }
    handedOut(count);
    return true;
  }

  /**
   * Counts a batch handed to the consumer. Once it reaches the limit, the open files, the worker
   * threads and the plan are released right away rather than at the next call or at close: the
   * batch itself lives in the stream's root and stays valid.
   */
  private void handedOut(int count) {
    remaining -= count;
    rows += count;
    batches += 1;
    if (remaining == 0) {
      releaseSources(null);
    }
  }

  private boolean openNextFile(VectorSchemaRoot root) {
    if (taskIterator == null) {
      this.tasks = plan.planFiles();
      this.taskIterator = tasks.iterator();
    }
    if (!taskIterator.hasNext()) {
      return false;
    }
    FileScanTask task = taskIterator.next();
    this.current =
        FileTaskReader.open(
            plan.context(), task, plan.readerOrder(root.getFieldVectors()), allocator);
    this.files += 1;
    this.bytesRead += task.length();
    return true;
  }

  private void closeCurrentFile() {
    if (current != null) {
      FileTaskReader closing = current;
      this.current = null;
      this.deletedRows += closing.deletedRows();
      closing.close();
    }
  }

  /** Closes the open file and the plan; the batch and the allocator stay until {@link #close()}. */
  private void releaseSources(Throwable primary) {
    this.exhausted = true;
    RuntimeException failure = null;
    try {
      closeCurrentFile();
    } catch (RuntimeException e) {
      failure = e;
    }
    if (parallel != null) {
      try {
        this.deletedRows += parallel.deletedRows();
        this.files += parallel.files();
        this.bytesRead += parallel.bytesRead();
        parallel.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      } finally {
        this.parallel = null;
      }
    }
    try {
      if (taskIterator != null) {
        taskIterator.close();
      }
      if (tasks != null) {
        tasks.close();
      }
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        failure =
            e instanceof RuntimeException
                ? (RuntimeException) e
                : new UncheckedIOException((IOException) e);
      } else {
        failure.addSuppressed(e);
      }
    } finally {
      this.taskIterator = null;
      this.tasks = null;
    }
    plan.context().deleteCache().clear(); // the delete files shared by this scan's data files
    if (failure != null) {
      if (primary != null) {
        primary.addSuppressed(failure);
      } else {
        throw new FloeException(
            "Cannot release the scan of table " + plan.context().tableName(), failure);
      }
    }
  }

  @Override
  public long bytesRead() {
    return bytesRead + (parallel == null ? 0 : parallel.bytesRead());
  }

  @Override
  protected Schema readSchema() {
    return arrowSchema;
  }

  /**
   * Releases the batch, the open file, its deletes, the plan and the stream's allocator. It may be
   * called from any thread: if another thread is inside {@link #loadNextBatch()}, that call ends
   * (returning false, after at most the batch it is decoding) before anything is released, and this
   * waits for it even if interrupted (restoring the interrupt), since releasing buffers that are
   * being decoded into would corrupt memory. Idempotent.
   */
  @Override
  public void close() {
    synchronized (state) {
      if (closed) {
        // a close on another thread may still be releasing: wait, so that the caller may close
        // the parent allocator next
        awaitUninterruptibly(() -> !released);
        return;
      }
      closed = true;
      awaitUninterruptibly(() -> consumer != null && consumer != Thread.currentThread());
    }
    try {
      super.close(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      synchronized (state) {
        released = true;
        state.notifyAll();
      }
    }
  }

  /** Waits on {@link #state} (held) while {@code condition} holds, restoring any interrupt. */
  private void awaitUninterruptibly(java.util.function.BooleanSupplier condition) {
    boolean interrupted = false;
    while (condition.getAsBoolean()) {
      try {
        state.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected void closeReadSource() {
    try {
      if (!exhausted) {
        releaseSources(null);
      }
    } finally {
      allocator.close();
    }
  }

  /**
   * A single-use iterator over the batches. Each {@code next()} returns the same reused root,
   * loaded with the next batch.
   *
   * @throws IllegalStateException if called twice
   */
  @Override
  public Iterator<VectorSchemaRoot> iterator() {
    if (iteratorTaken) {
      throw new IllegalStateException("RecordBatchStream can be iterated only once");
    }
    iteratorTaken = true;
    return new Iterator<>() {
      private Boolean loaded;

      @Override
      public boolean hasNext() {
        if (loaded == null) {
          try {
            loaded = !closed && loadNextBatch();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return loaded;
      }

      @Override
      public VectorSchemaRoot next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        loaded = null;
        try {
          return getVectorSchemaRoot();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }
}
