package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * The reads a child JVM performs, one per {@link ReadMode}. Each reads every column of every live
 * row and computes the {@link RowChecksum}, so none can skip work; progress is kept in a {@link
 * Progress} that the caller still holds when a read fails half way.
 */
final class TableReads {
  private TableReads() {}

  /** Counters a read updates as it goes; after an OutOfMemoryError they say how far it got. */
  /** Threads of {@link ReadMode#FLOE_ORDERED_PARALLEL}. */
  static final int PARALLEL_THREADS = 4;

  /** The {@code maxBufferedBytes} of {@link ReadMode#FLOE_ORDERED_PARALLEL}: 64 MiB. */
  static final long PARALLEL_BUDGET_BYTES = 64L << 20;

  /** The pause after each batch of {@link ReadMode#FLOE_ORDERED_PARALLEL}. */
  private static final long SLOW_CONSUMER_NANOS = 2_000_000;

  static final class Progress {
    long rows;
    long batches;
    long files;
    long checksum;
    long arrowPeakBytes;
  }

  static void read(
      Table table, ReadMode mode, int batchSize, BufferAllocator allocator, Progress progress)
      throws IOException {
    requireNonNull(table, "table is null");
    requireNonNull(progress, "progress is null");
    switch (mode) {
      case FLOE_STREAMING -> stream(DataScan.of(table), batchSize, allocator, progress, 0);
      case FLOE_ORDERED_PARALLEL ->
          stream(
              DataScan.of(table)
                  .parallelism(PARALLEL_THREADS)
                  .maxBufferedBytes(PARALLEL_BUDGET_BYTES),
              batchSize,
              allocator,
              progress,
              SLOW_CONSUMER_NANOS);
      case GENERICS_LIST -> genericsList(table, progress);
      case ARROW_BATCHES_KEPT -> keepBatches(table, batchSize, allocator, progress);
      case BASELINE -> planOnly(table, progress);
    }
  }

  /**
   * Floe's way: each batch is consumed (checksummed) and then replaced by the next one; {@code
   * pauseNanos} after each batch make a slow consumer.
   */
  private static void stream(
      DataScan scan, int batchSize, BufferAllocator allocator, Progress progress, long pauseNanos) {
    RowChecksum checksum = new RowChecksum();
    try (RecordBatchStream batches = scan.toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot batch : batches) {
        checksum.add(batch);
        progress.rows = batches.rowsRead();
        progress.batches = batches.batchesRead();
        progress.files = batches.filesRead();
        if (pauseNanos > 0) {
          LockSupport.parkNanos(pauseNanos);
        }
      }
    }
    progress.checksum = checksum.value();
  }

  /** "Read the table into a list": every row a {@link Record}, all alive until the end. */
  private static void genericsList(Table table, Progress progress) throws IOException {
    List<String> columns = columnNames(table);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.add(record);
        progress.rows += 1;
      }
    }
    RowChecksum checksum = new RowChecksum();
    for (Record record : rows) {
      checksum.add(record, columns);
    }
    progress.checksum = checksum.value();
  }

  /** "Read the table into Arrow": every batch transferred out of the stream and kept. */
  private static void keepBatches(
      Table table, int batchSize, BufferAllocator allocator, Progress progress) {
    List<VectorSchemaRoot> kept = new ArrayList<>();
    try {
      try (RecordBatchStream batches = DataScan.of(table).toRecordBatches(batchSize, allocator)) {
        for (VectorSchemaRoot batch : batches) {
          kept.add(transfer(batch, allocator));
          progress.rows = batches.rowsRead();
          progress.batches = batches.batchesRead();
          progress.files = batches.filesRead();
        }
      }
      RowChecksum checksum = new RowChecksum();
      kept.forEach(checksum::add);
      progress.checksum = checksum.value();
    } finally {
      closeAll(kept);
    }
  }

  private static VectorSchemaRoot transfer(VectorSchemaRoot batch, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors().size());
    try {
      for (FieldVector source : batch.getFieldVectors()) {
        FieldVector target = source.getField().createVector(allocator);
        vectors.add(target);
        source.makeTransferPair(target).transfer();
      }
    } catch (RuntimeException | Error e) {
      closeAll(vectors);
      throw e;
    }
    VectorSchemaRoot copy = new VectorSchemaRoot(vectors);
    copy.setRowCount(batch.getRowCount());
    return copy;
  }

  /** Loads the table and walks its plan: what every mode pays before reading a single row. */
  private static void planOnly(Table table, Progress progress) throws IOException {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        progress.files += 1;
      }
    }
  }

  private static List<String> columnNames(Table table) {
    return table.schema().columns().stream().map(Types.NestedField::name).toList();
  }

  private static void closeAll(List<? extends AutoCloseable> closeables) {
    try {
      AutoCloseables.close(closeables);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot release kept Arrow batches", e);
    }
  }
}
