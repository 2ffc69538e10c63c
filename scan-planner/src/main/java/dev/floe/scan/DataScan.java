package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * A scan of an Iceberg table that streams Arrow record batches in bounded memory.
 *
 * <pre>{@code
 * try (BufferAllocator allocator = new RootAllocator();
 *     RecordBatchStream batches =
 *         DataScan.of(table)
 *             .select("user_id", "event_type", "ts")
 *             .filter(Expressions.greaterThanOrEqual("event_date", "2024-01-01"))
 *             .toRecordBatches(10_000, allocator)) {
 *   for (VectorSchemaRoot batch : batches) {
 *     process(batch); // at most 10,000 rows, valid until the next batch
 *   }
 * }
 * }</pre>
 *
 * <p>Immutable: every method returns a new scan and leaves this one as it was. Options are checked
 * when {@link #toRecordBatches} builds the stream: an unknown column, a filter that does not bind,
 * an unknown snapshot or a bad batch size fail there with {@link IllegalArgumentException}, before
 * any file is opened.
 */
public final class DataScan {
  private final Table table;
  private final ScanOptions options;

  private DataScan(Table table, ScanOptions options) {
    this.table = table;
    this.options = options;
  }

  /** A scan of every row and column of the table's current snapshot. */
  public static DataScan of(Table table) {
    return new DataScan(requireNonNull(table, "table is null"), ScanOptions.defaults());
  }

  /** The table this scan reads. */
  public Table table() {
    return table;
  }

  /** This scan's options. */
  public ScanOptions options() {
    return options;
  }

  /**
   * Selects top-level columns, in output order. Metadata column names ({@code _file}, {@code _pos},
   * {@code _spec_id}) may be mixed in; they are appended after the data columns.
   */
  public DataScan select(String... columns) {
    requireNonNull(columns, "columns is null");
    return new DataScan(table, options.withColumns(Arrays.asList(columns)));
  }

  /** Adds a filter, ANDed with any earlier one. Every returned row matches it exactly. */
  public DataScan filter(Expression filter) {
    requireNonNull(filter, "filter is null");
    return new DataScan(table, options.withFilter(Expressions.and(options.filter(), filter)));
  }

  /** Whether column names in {@link #select} and {@link #filter} match case sensitively. */
  public DataScan caseSensitive(boolean caseSensitive) {
    return new DataScan(table, options.withCaseSensitive(caseSensitive));
  }

  /** Reads the given snapshot (time travel). */
  public DataScan useSnapshot(long snapshotId) {
    return new DataScan(table, options.withSnapshotId(snapshotId));
  }

  /** Reads the snapshot that was current at the given time (time travel). */
  public DataScan asOfTime(long timestampMillis) {
    return new DataScan(table, options.withAsOfTimestampMillis(timestampMillis));
  }

  /** Reads the head of a branch or a tag. */
  public DataScan useRef(String ref) {
    return new DataScan(table, options.withRef(requireNonNull(ref, "ref is null")));
  }

  /** Returns at most {@code rows} rows. */
  public DataScan limit(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("Invalid limit: " + rows + ", expected >= 0");
    }
    return new DataScan(table, options.withLimit(rows));
  }

  /**
   * Appends metadata columns after the data columns: {@code _file}, {@code _pos}, {@code _spec_id}.
   */
  public DataScan withMetadataColumns(String... names) {
    requireNonNull(names, "names is null");
    return new DataScan(table, options.withMetadataColumns(List.of(names)));
  }

  /**
   * Reads up to {@code splits} pieces of the scan at once, each on its own thread, and still
   * returns exactly the rows and batches a serial read returns, in the same order: plan order, then
   * position order within a file. The unit of work is a split of a data file (a range of its row
   * groups / stripes), so one large file is also read by several threads. Workers decode ahead of
   * the consumer into a reorder buffer of at most {@link #maxBufferedBytes(long) maxBufferedBytes};
   * a worker waits when it is full, so a slow consumer stops the decoding there. Memory is then
   * about the budget, plus one batch and one open file per thread. The default, 1, reads one file
   * after another on the caller's thread.
   *
   * <p>Opening a file and loading its deletes happen on the worker; each split of a file opens the
   * file and loads the deletes that apply to it again.
   *
   * @param splits 1 to {@value ScanPlan#MAX_PARALLELISM}
   * @throws IllegalArgumentException if {@code splits} is out of range
   */
  public DataScan parallelism(int splits) {
    ScanPlan.checkParallelism(splits);
    return new DataScan(table, options.withParallelism(splits));
  }

  /**
   * Bytes of decoded batches that the workers of a {@link #parallelism(int) parallel} scan may hold
   * ahead of the consumer, waiting for their turn (default {@value
   * ScanOptions#DEFAULT_MAX_BUFFERED_BYTES} bytes, 64 MiB). The worker reading the split the
   * consumer waits for may always hand over one batch, so a budget smaller than a batch still makes
   * progress, one batch at a time. No effect at parallelism 1, which decodes nothing ahead.
   *
   * @param bytes > 0
   * @throws IllegalArgumentException if {@code bytes} is 0 or less
   */
  public DataScan maxBufferedBytes(long bytes) {
    ScanPlan.checkMaxBufferedBytes(bytes);
    return new DataScan(table, options.withMaxBufferedBytes(bytes));
  }

  /**
   * Caps the bytes of a batch's buffers: the rows of a batch shrink (below the batch size given to
   * {@link #toRecordBatches}) so that its Arrow buffers stay under {@code bytes}. Each file starts
   * from an estimate per column made from the file's column sizes in the manifest and refines it
   * from the batches it has decoded; for tables with wide strings this keeps batches from growing
   * to gigabytes. The batch size stays the upper bound on rows, and a row larger than the budget
   * still comes, alone in its batch. Without it (the default) batches are bounded by rows only.
   *
   * @param bytes > 0
   * @throws IllegalArgumentException if {@code bytes} is 0 or less
   */
  public DataScan maxBatchBytes(long bytes) {
    ScanPlan.checkMaxBatchBytes(bytes);
    return new DataScan(table, options.withMaxBatchBytes(bytes));
  }

  /**
   * Plans this scan lazily and returns its rows as a stream of Arrow batches of 1 to {@code
   * batchSize} rows.
   *
   * @param batchSize maximum rows per batch, 1 to {@value ScanPlan#MAX_BATCH_SIZE}
   * @param allocator allocator the stream's buffers come from; the stream allocates from a child of
   *     it and closes that child when it is closed
   * @throws IllegalArgumentException for an invalid batch size, column, filter or snapshot
   */
  public RecordBatchStream toRecordBatches(int batchSize, BufferAllocator allocator) {
    requireNonNull(allocator, "allocator is null");
    ScanPlan plan = ScanPlan.create(table, options, batchSize);
    return RecordBatchStream.open(plan, allocator);
  }

  /**
   * Plans this scan lazily as splits of about {@code targetSplitBytes} each, for workers to read
   * independently ({@link ScanSplit#open}). Planning is Iceberg's ({@code planTasks()} with this
   * target and the table's open-file cost): a large file is cut at its row groups / stripes (the
   * split offsets in its manifest entry), small files are combined. A target smaller than one row
   * group gives one split per row group / stripe. Together the splits hold each of the scan's rows
   * exactly once. Manifests are read as the splits are consumed; close the iterable when done.
   *
   * <p>Files written without split offsets are cut at fixed byte ranges of the target size instead
   * (still each row once: a Parquet row group is read by the range holding its midpoint, an ORC
   * stripe by the range holding its start), so keep the target at row-group scale for such tables.
   * The scan's {@link #parallelism(int) parallelism} does not apply: a split is read one file after
   * another, and an engine's parallelism is across splits.
   *
   * @param targetSplitBytes the size Iceberg packs splits to, > 0
   * @throws IllegalArgumentException for a target of 0 or less, a scan with a {@link #limit} (a
   *     limit across splits is the engine's to apply), or an invalid column, filter or snapshot
   */
  public CloseableIterable<ScanSplit> planSplits(long targetSplitBytes) {
    return SplitPlanner.plan(table, options, targetSplitBytes);
  }
}
