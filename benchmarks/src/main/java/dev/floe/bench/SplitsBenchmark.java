package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What splits buy on one large file: a table of ONE data file with {@value #ROW_GROUPS} row groups
 * (stripes for ORC), read as one scan, as one scan with ordered {@code parallelism(threads)} (which
 * cuts a Parquet file into splits of row groups read on {@code threads} threads, in order) and as
 * {@value #ROW_GROUPS} splits on 1 and on {@code threads} threads, each split with its own
 * allocator, as workers would. Rounds interleave the modes; the report gives medians and the ratio.
 *
 * <p>Usage: {@code SplitsBenchmark [rows] [rounds] [cacheDir] [threads] [PARQUET|ORC]}.
 */
public final class SplitsBenchmark {
  private static final int BATCH = 10_000;
  private static final int ROW_GROUPS = 8;

  /** A first guess of the encoded bytes per row of the many-files table. */
  private static final long GUESSED_BYTES_PER_ROW = 14;

  private SplitsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 8_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    FileFormat format =
        FileFormat.fromString(args.length > 4 ? args[4] : FileFormat.PARQUET.name());
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    Table table = oneFileTable(catalog, rows, format);
    List<ScanSplit> splits = plan(DataScan.of(table));
    System.out.printf(
        "%n## %s: 1 data file, %d row groups / stripes, %d splits, %d threads, batch %d%n%n",
        table.name(), rowGroups(table), splits.size(), threads, BATCH);

    Map<String, Mode> modes = new LinkedHashMap<>();
    modes.put("one scan", () -> read(DataScan.of(table)));
    modes.put(
        "one scan, ordered parallelism(" + threads + ")",
        () -> read(DataScan.of(table).parallelism(threads)));
    modes.put(splits.size() + " splits, 1 thread", () -> read(splits, table, 1));
    modes.put(
        splits.size() + " splits, " + threads + " threads", () -> read(splits, table, threads));
    Map<String, List<long[]>> results = new LinkedHashMap<>();
    for (Map.Entry<String, Mode> warmup : modes.entrySet()) {
      warmup.getValue().read();
      results.put(warmup.getKey(), new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Mode> mode : modes.entrySet()) {
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        long[] counts = mode.getValue().read();
        long wall = System.nanoTime() - start;
        results
            .get(mode.getKey())
            .add(new long[] {counts[0], counts[1], wall, processCpuNanos() - cpu});
      }
    }
    report(results);
  }

  /**
   * The cached one-file table, or a new one of {@value #ROW_GROUPS} row groups: the writer's row
   * group size is a target on its buffered (encoded) size, so the size is guessed, the file
   * written, and the size corrected from the row groups it got, a few times at most; the report
   * prints the real count.
   */
  private static Table oneFileTable(Catalog catalog, long rows, FileFormat format)
      throws IOException {
    TableIdentifier id =
        TableIdentifier.of(
            "bench", "one_file_" + rows + "_" + format.name().toLowerCase(Locale.ROOT));
    if (catalog.tableExists(id)) {
      return catalog.loadTable(id);
    }
    long rowGroupBytes = rows * GUESSED_BYTES_PER_ROW / ROW_GROUPS;
    for (int attempt = 1; ; attempt++) {
      Table table =
          Fixtures.manyFiles(
              catalog,
              id,
              FixtureOptions.defaults()
                  .withRows(rows)
                  .withFormat(format)
                  .withRowGroupBytes(rowGroupBytes),
              1);
      int rowGroups = rowGroups(table);
      if (rowGroups == ROW_GROUPS || attempt == 4) {
        return table;
      }
      // the last row group is partly filled: the file holds about (rowGroups - 0.5) full ones
      rowGroupBytes = (long) (rowGroupBytes * (rowGroups - 0.5) / (ROW_GROUPS - 0.5));
      catalog.dropTable(id, true);
    }
  }

  private static int rowGroups(Table table) throws IOException {
    int rowGroups = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        rowGroups += task.file().splitOffsets().size();
      }
    }
    return rowGroups;
  }

  /** One split per row group: a target smaller than any row group. */
  private static List<ScanSplit> plan(DataScan scan) throws IOException {
    List<ScanSplit> splits = new ArrayList<>();
    try (CloseableIterable<ScanSplit> planned = scan.planSplits(1)) {
      planned.forEach(splits::add);
    }
    return splits;
  }

  /**
   * CPU time of the whole process: cores busy = CPU / wall, to tell a slow mode from a starved one.
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @FunctionalInterface
  private interface Mode {
    long[] read() throws Exception;
  }

  static long[] read(DataScan scan) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches = scan.toRecordBatches(BATCH, allocator)) {
      return sum(batches);
    }
  }

  private static long[] read(List<ScanSplit> splits, Table table, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> parts = new ArrayList<>();
      for (ScanSplit split : splits) {
        parts.add(
            pool.submit(
                () -> {
                  try (BufferAllocator allocator = new RootAllocator();
                      RecordBatchStream batches = split.open(table, BATCH, allocator)) {
                    return sum(batches);
                  }
                }));
      }
      long[] total = new long[2];
      for (Future<long[]> part : parts) {
        long[] counts = part.get();
        total[0] += counts[0];
        total[1] += counts[1];
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] sum(RecordBatchStream batches) {
    long rows = 0;
    long sum = 0;
    for (VectorSchemaRoot batch : batches) {
      BigIntVector ids = (BigIntVector) batch.getVector("id");
      for (int i = 0; i < batch.getRowCount(); i++) {
        sum += ids.get(i);
      }
      rows += batch.getRowCount();
    }
    return new long[] {rows, sum};
  }

  /**
   * Medians per mode (rows, id sum, wall ns, CPU ns per run) and each mode's ratio to the first.
   */
  static void report(Map<String, List<long[]>> results) {
    System.out.println(
        "| mode | rows | median s | min s | M rows/s (median) | cores busy (median) |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    List<Double> medians = new ArrayList<>();
    long[] reference = null;
    for (Map.Entry<String, List<long[]>> entry : results.entrySet()) {
      List<long[]> runs = new ArrayList<>(entry.getValue());
      runs.sort((a, b) -> Long.compare(a[2], b[2]));
      long[] median = runs.get(runs.size() / 2);
      if (reference == null) {
        reference = median;
      } else if (median[0] != reference[0] || median[1] != reference[1]) {
        throw new IllegalStateException(
            "Cannot compare: " + entry.getKey() + " read other rows than the one scan");
      }
      double rowsPerSecond = median[0] / (median[2] / 1e9);
      medians.add(rowsPerSecond);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %.2f | %.2f | %.2f | %.2f |%n",
          entry.getKey(),
          median[0],
          median[2] / 1e9,
          runs.get(0)[2] / 1e9,
          rowsPerSecond / 1e6,
          (double) median[3] / median[2]);
    }
    List<String> names = new ArrayList<>(results.keySet());
    System.out.println();
    for (int i = 1; i < names.size(); i++) {
      System.out.printf(
          Locale.ROOT, "- %s / one scan: %.2fx%n", names.get(i), medians.get(i) / medians.get(0));
    }
  }
}
