package dev.floe.spark;

import static java.util.Objects.requireNonNull;

import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The batches of the splits of one Spark partition, read on the executor one split after another.
 *
 * <p>The partition owns one {@link RootAllocator}; each split's stream takes a child of it and
 * closes that child when the split is done. The allocator is closed when the last split is done, or
 * when the task completes (finished early by a {@code limit}, cancelled, or failed), whichever
 * comes first. A buffer still allocated then fails the task ("Memory was leaked"): nothing a
 * partition read stays behind on the executor.
 *
 * <p>The batch returned by {@link #next()} is valid until the next call to {@link #hasNext()}.
 */
final class SplitBatches implements Iterator<VectorSchemaRoot>, Closeable {
  /** Partitions of this JVM being read: their allocators are open. */
  private static final AtomicInteger OPEN = new AtomicInteger();

  private final Iterator<ScanSplit> splits;
  private final TableSource source;
  private final int batchSize;
  private final String description;
  private final BufferAllocator allocator;
  private Table table;
  private RecordBatchStream stream;
  private boolean loaded;
  private boolean closed;

  private SplitBatches(Iterator<ScanSplit> splits, TableSource source, int batchSize) {
    this.splits = requireNonNull(splits, "splits is null");
    this.source = requireNonNull(source, "source is null");
    this.batchSize = batchSize;
    TaskContext task = TaskContext.get();
    this.description =
        task == null
            ? "splits read outside a Spark task"
            : String.format(
                "Spark partition %d (stage %d, task attempt %d)",
                task.partitionId(), task.stageId(), task.taskAttemptId());
    this.allocator = new RootAllocator();
    OPEN.incrementAndGet();
  }

  /** How many partitions of this JVM have their allocator open; for tests on local Spark. */
  static int openInThisJvm() {
    return OPEN.get();
  }

  /**
   * The batches of {@code splits}; inside a Spark task, closed when the task completes at the
   * latest.
   */
  static SplitBatches open(Iterator<ScanSplit> splits, TableSource source, int batchSize) {
    SplitBatches batches = new SplitBatches(splits, source, batchSize);
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) context -> batches.close());
    }
    return batches;
  }

  @Override
  public boolean hasNext() {
    if (loaded) {
      return true;
    }
    if (closed) {
      return false;
    }
    while (true) {
      if (stream != null) {
        if (loadNext()) {
          loaded = true;
          return true;
        }
        RecordBatchStream done = stream;
        stream = null;
        done.close();
      }
      if (!splits.hasNext()) {
        close();
        return false;
      }
      ScanSplit split = splits.next();
      if (table == null) {
        table = source.load();
      }
      stream = split.open(table, batchSize, allocator);
    }
  }

  private boolean loadNext() {
    try {
      return stream.loadNextBatch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public VectorSchemaRoot next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    loaded = false;
    try {
      return stream.getVectorSchemaRoot();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Iceberg schema of the batch last returned by {@link #next()}. */
  Schema schema() {
    if (stream == null) {
      throw new IllegalStateException("Cannot give the schema: no batch returned yet");
    }
    return stream.icebergSchema();
  }

  /**
   * Closes the open split, then the partition's allocator; idempotent.
   *
   * @throws IllegalStateException if a buffer of the partition is still allocated
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loaded = false;
    OPEN.decrementAndGet();
    RuntimeException failure = null;
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        failure = e;
      }
      stream = null;
    }
    try {
      allocator.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw new IllegalStateException(
          "Cannot close the Arrow memory of " + description + ": " + failure.getMessage(), failure);
    }
  }
}
