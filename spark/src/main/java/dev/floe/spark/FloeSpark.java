package dev.floe.spark;

import static java.util.Objects.requireNonNull;

import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Reads a {@link DataScan} on Apache Spark: the driver plans the scan's splits, Spark ships them to
 * the executors (Java serialization), and each executor reads its splits with Floe, with its own
 * handle of the table ({@link TableSource}) and its own Arrow allocator per task.
 *
 * <pre>{@code
 * Table table = catalog.loadTable(TableIdentifier.of("db", "events"));
 * DataScan scan = DataScan.of(table).select("id", "event_type", "ts")
 *     .filter(Expressions.equal("event_type", "purchase"));
 * // rows, as a DataFrame
 * Dataset<Row> events = FloeSpark.read(spark, scan, TableSource.of(table), 128L << 20);
 * events.groupBy("event_type").count().show();
 * // or Arrow batches, turned into whatever the job needs on the executors
 * JavaRDD<ScanSplit> splits = FloeSpark.splits(JavaSparkContext.fromSparkContext(spark.sparkContext()), scan, 128L << 20);
 * long rows = FloeSpark.mapBatches(splits, TableSource.of(table), 10_000, batch -> (long) batch.getRowCount())
 *     .fold(0L, Long::sum);
 * }</pre>
 *
 * <p>Memory on an executor is bounded as for one Floe scan per running task: one open data file
 * range (one row group / stripe) with its deletes, plus the reused batch. Every task closes its
 * allocator when it completes, and fails if a buffer is still allocated then.
 */
public final class FloeSpark {
  /** Rows per Arrow batch for {@link #read}. */
  public static final int BATCH_SIZE = 4096;

  private FloeSpark() {}

  /**
   * Plans {@code scan}'s splits on the driver ({@link DataScan#planSplits}) and distributes them,
   * one Spark partition per split, in plan order. The driver holds the list of splits (Spark
   * parallelizes a list); the data files are only read on the executors.
   *
   * @param targetSplitBytes the size Iceberg packs splits to: a large file is cut at its row groups
   *     / stripes, small files are combined
   * @throws IllegalArgumentException as {@link DataScan#planSplits}: a target of 0 or less, a scan
   *     with a limit, an invalid column, filter or snapshot
   */
  public static JavaRDD<ScanSplit> splits(
      JavaSparkContext spark, DataScan scan, long targetSplitBytes) {
    requireNonNull(spark, "spark is null");
    requireNonNull(scan, "scan is null");
    List<ScanSplit> splits = new ArrayList<>();
    try (CloseableIterable<ScanSplit> planned = scan.planSplits(targetSplitBytes)) {
      planned.forEach(splits::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the splits of " + scan.table().name(), e);
    }
    return spark.parallelize(splits, Math.max(1, splits.size()));
  }

  /**
   * Reads every split on the executors and applies {@code perBatch} to each Arrow batch, in the
   * order a split's rows come; one result per batch. The batch is valid only during the call: keep
   * what the job needs (counts, sums, copies), never the batch or its vectors.
   *
   * @param table how an executor loads the table the splits were planned from
   * @param batchSize maximum rows per batch
   */
  public static <T> JavaRDD<T> mapBatches(
      JavaRDD<ScanSplit> splits,
      TableSource table,
      int batchSize,
      Function<VectorSchemaRoot, T> perBatch) {
    requireNonNull(splits, "splits is null");
    requireNonNull(table, "table is null");
    requireNonNull(perBatch, "perBatch is null");
    return splits.mapPartitions(
        partition -> {
          SplitBatches batches = SplitBatches.open(partition, table, batchSize);
          return new Iterator<T>() {
            @Override
            public boolean hasNext() {
              return batches.hasNext();
            }

            @Override
            public T next() {
              VectorSchemaRoot batch = batches.next();
              try {
                return perBatch.call(batch);
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException("Cannot apply the batch function: " + e, e);
              }
            }
          };
        });
  }

  /**
   * The rows of {@code scan} as a DataFrame: splits planned now on the driver, read when an action
   * runs, on the executors. Columns keep their names and order; Iceberg types map as Spark's
   * Iceberg connector maps them (timestamptz to TIMESTAMP, timestamp to TIMESTAMP_NTZ, uuid to
   * STRING, fixed to BINARY); required columns are not nullable.
   *
   * <p>Each batch becomes rows through Spark's own {@code ArrowColumnVector}s and {@code
   * ColumnarBatch.rowIterator()}, each row copied off the batch.
   *
   * @throws IllegalArgumentException as {@link #splits}, for a column type Spark cannot hold as
   *     Floe reads it (time, timestamp_ns; uuid or fixed inside a struct, list or map), or for a
   *     Spark Connect session (a classic session is needed to build a DataFrame from executor-side
   *     rows)
   */
  public static Dataset<Row> read(
      SparkSession spark, DataScan scan, TableSource table, long targetSplitBytes) {
    requireNonNull(spark, "spark is null");
    requireNonNull(scan, "scan is null");
    requireNonNull(table, "table is null");
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new IllegalArgumentException(
          "Cannot read into " + spark.getClass().getName() + ": a classic SparkSession is needed");
    }
    StructType schema = SparkColumns.schema(outputSchema(scan));
    JavaRDD<ScanSplit> splits =
        splits(JavaSparkContext.fromSparkContext(spark.sparkContext()), scan, targetSplitBytes);
    JavaRDD<InternalRow> rows =
        splits.mapPartitions(
            partition -> new SplitRows(SplitBatches.open(partition, table, BATCH_SIZE), schema));
    // Spark's public createDataFrame takes external Rows, which would mean converting every value
    // twice; this is the entry Spark's own Arrow paths use for InternalRows.
    return classic.internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /** The output columns of {@code scan}, known without reading a file. */
  private static Schema outputSchema(DataScan scan) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(1, allocator)) {
      return stream.icebergSchema();
    }
  }

  /**
   * The rows of a partition's batches, each copied off its batch into an {@code UnsafeRow} by
   * Spark's generated projection, which checks every array element and map value for null before
   * reading it (Spark 4.1's {@code ColumnarArray.copy} reads primitive elements without that check,
   * and Arrow refuses to read a null).
   */
  private static final class SplitRows implements Iterator<InternalRow> {
    private final SplitBatches batches;
    private final UnsafeProjection copy;
    private Iterator<InternalRow> rows = Collections.emptyIterator();

    SplitRows(SplitBatches batches, StructType schema) {
      this.batches = batches;
      this.copy = UnsafeProjection.create(schema);
    }

    @Override
    public boolean hasNext() {
      // the next batch is loaded only once every row of this one is copied
      while (!rows.hasNext()) {
        if (!batches.hasNext()) {
          return false;
        }
        VectorSchemaRoot batch = batches.next();
        ColumnarBatch columns =
            new ColumnarBatch(SparkColumns.columns(batch, batches.schema()), batch.getRowCount());
        rows = columns.rowIterator();
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return copy.apply(rows.next()).copy();
    }
  }
}
