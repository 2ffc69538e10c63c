package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;

/**
 * One piece of a {@link DataScan} for a worker to read: a contiguous range of row groups / stripes
 * of one data file, or several small files. The splits of a scan ({@link DataScan#planSplits})
 * together hold each of its rows exactly once.
 *
 * <p>A split carries everything a worker needs except the table's {@code FileIO}: the file scan
 * tasks with their delete files and residuals, the snapshot and its schema, the projection, the
 * filter, case sensitivity and the metadata columns. It travels as Java serialization (it is {@link
 * Serializable}, as engines such as Spark ship it) or as JSON ({@link #toJson()}, for queues,
 * shells and non-JVM drivers). The worker reads it with its own handle of the table:
 *
 * <pre>{@code
 * // driver
 * try (CloseableIterable<ScanSplit> splits = DataScan.of(table).planSplits(128L << 20)) {
 *   for (ScanSplit split : splits) {
 *     queue.send(split.toJson());
 *   }
 * }
 * // worker
 * ScanSplit split = ScanSplit.fromJson(message);
 * try (BufferAllocator allocator = new RootAllocator();
 *     RecordBatchStream batches = split.open(catalog.loadTable(id), 10_000, allocator)) {
 *   for (VectorSchemaRoot batch : batches) {
 *     process(batch); // valid until the next batch
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ScanSplit implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SplitScan scan;
  private final List<FileScanTask> tasks;

  ScanSplit(SplitScan scan, Collection<FileScanTask> tasks) {
    this.scan = requireNonNull(scan, "scan is null");
    this.tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
    if (this.tasks.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid split of table " + scan.tableName() + ": no task");
    }
  }

  /**
   * The split as one line of JSON, built from Iceberg's own parsers: the tasks as {@code
   * ScanTaskParser} writes them (data file, start and length, delete files, residual), the schemas
   * with {@code SchemaParser}, the filter with {@code ExpressionParser}. It names its format
   * version; {@link #fromJson} reads it back.
   *
   * @throws UnsupportedOperationException if Iceberg's parsers cannot write one of the tasks (a
   *     data file of a v1 partition spec whose fields were all removed); such a split travels by
   *     Java serialization
   */
  public String toJson() {
    return ScanSplitParser.toJson(this);
  }

  /**
   * Reads a split written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException if the text is not a split of a known format version
   */
  public static ScanSplit fromJson(String json) {
    requireNonNull(json, "json is null");
    return ScanSplitParser.fromJson(json);
  }

  /**
   * Streams this split's rows: every delete applied, the filter exact, {@code _pos} the position in
   * the data file. Memory is bounded as for a scan: one open data file (one row group / stripe) and
   * its deletes at a time, plus the reused batch. The files are read one after another.
   *
   * @param table the worker's handle of the table the split was planned from (loaded from its
   *     catalog or metadata file); its {@code FileIO} opens the files
   * @param batchSize maximum rows per batch, 1 to {@value ScanPlan#MAX_BATCH_SIZE}
   * @param allocator allocator the stream's buffers come from; the stream allocates from a child of
   *     it and closes that child when it is closed
   * @throws IllegalArgumentException if {@code table} is another table (by UUID), no longer has the
   *     split's snapshot, or {@code batchSize} is out of range
   */
  public RecordBatchStream open(Table table, int batchSize, BufferAllocator allocator) {
    return scan.open(tasks, table, batchSize, Long.MAX_VALUE, allocator);
  }

  /**
   * Streams this split's rows as {@link #open(Table, int, BufferAllocator)} does, in batches whose
   * Arrow buffers stay under {@code maxBatchBytes} as with {@link DataScan#maxBatchBytes}.
   *
   * @throws IllegalArgumentException as {@link #open(Table, int, BufferAllocator)}, and for a
   *     {@code maxBatchBytes} of 0 or less
   */
  public RecordBatchStream open(
      Table table, int batchSize, long maxBatchBytes, BufferAllocator allocator) {
    ScanPlan.checkMaxBatchBytes(maxBatchBytes);
    return scan.open(tasks, table, batchSize, maxBatchBytes, allocator);
  }

  /** Bytes of data file ranges this split reads, not counting delete files (splits share them). */
  public long estimatedBytes() {
    long bytes = 0;
    for (FileScanTask task : tasks) {
      bytes += task.length();
    }
    return bytes;
  }

  /**
   * Rows in this split's data file ranges before deletes and filtering, from the record counts in
   * the manifests (a range of a file counts its share of the file's records).
   */
  public long estimatedRows() {
    long rows = 0;
    for (FileScanTask task : tasks) {
      rows += task.estimatedRowsCount();
    }
    return rows;
  }

  /** Locations of the data files this split reads, in reading order, each once. */
  public List<String> files() {
    Set<String> files = new LinkedHashSet<>();
    tasks.forEach(task -> files.add(task.file().location()));
    return List.copyOf(files);
  }

  /** The file scan tasks, in reading order: each a data file range with its deletes. */
  public List<FileScanTask> tasks() {
    return tasks;
  }

  /** The snapshot the split was planned at. */
  public long snapshotId() {
    return scan.snapshotId();
  }

  /** The name of the table the split was planned from. */
  public String tableName() {
    return scan.tableName();
  }

  /** The UUID of the table the split was planned from. */
  public String tableUuid() {
    return scan.tableUuid();
  }

  SplitScan scan() {
    return scan;
  }

  @Override
  public String toString() {
    return String.format(
        "ScanSplit[table=%s, snapshot=%d, tasks=%d, files=%d, bytes=%d, rows=%d]",
        scan.tableName(),
        scan.snapshotId(),
        tasks.size(),
        files().size(),
        estimatedBytes(),
        estimatedRows());
  }
}
