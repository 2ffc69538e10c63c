package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Ordered {@code parallelism(threads)} against the serial read of the {@code events} table (the
 * table {@code make bench} reads: several data files, ~1% of rows deleted), all columns, batch
 * 10,000. Rounds interleave the modes; the report gives medians, cores busy and the ratio. The
 * one-file case is {@link SplitsBenchmark}'s.
 *
 * <p>Usage: {@code OrderedBenchmark [rows] [rounds] [cacheDir] [threads] [PARQUET,ORC]
 * [budgetsMiB,...]}: each budget adds a mode with that {@code maxBufferedBytes}.
 */
public final class OrderedBenchmark {
  private OrderedBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    String formats = args.length > 4 ? args[4] : "PARQUET,ORC";
    String budgets = args.length > 5 ? args[5] : "";
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    for (String name : formats.split(",")) {
      FileFormat format = FileFormat.fromString(name);
      Table table = eventsTable(catalog, rows, format);
      System.out.printf(
          "%n## %s: %d data files, ordered parallelism(%d) vs serial, batch 10000%n%n",
          table.name(), files(table), threads);
      Map<String, SplitsBenchmarkMode> modes = new LinkedHashMap<>();
      modes.put("serial", () -> SplitsBenchmark.read(DataScan.of(table)));
      modes.put(
          "ordered parallelism(" + threads + ")",
          () -> SplitsBenchmark.read(DataScan.of(table).parallelism(threads)));
      for (String budget : budgets.isEmpty() ? new String[0] : budgets.split(",")) {
        long mib = Long.parseLong(budget);
        modes.put(
            "ordered parallelism(" + threads + "), maxBufferedBytes " + mib + " MiB",
            () ->
                SplitsBenchmark.read(
                    DataScan.of(table).parallelism(threads).maxBufferedBytes(mib << 20)));
      }
      Map<String, List<long[]>> results = new LinkedHashMap<>();
      for (Map.Entry<String, SplitsBenchmarkMode> warmup : modes.entrySet()) {
        warmup.getValue().read();
        results.put(warmup.getKey(), new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, SplitsBenchmarkMode> mode : modes.entrySet()) {
          long cpu = SplitsBenchmark.processCpuNanos();
          long start = System.nanoTime();
          long[] counts = mode.getValue().read();
          long wall = System.nanoTime() - start;
          results
              .get(mode.getKey())
              .add(
                  new long[] {counts[0], counts[1], wall, SplitsBenchmark.processCpuNanos() - cpu});
        }
      }
      SplitsBenchmark.report(results);
    }
  }

  /** The events table {@code make bench} writes (64 MiB row groups), cached under the same name. */
  private static Table eventsTable(Catalog catalog, long rows, FileFormat format) {
    TableIdentifier id =
        TableIdentifier.of(
            "bench", "events_" + rows + "_" + format.name().toLowerCase(Locale.ROOT));
    if (catalog.tableExists(id)) {
      return catalog.loadTable(id);
    }
    return Fixtures.events(
        catalog,
        id,
        FixtureOptions.defaults().withRows(rows).withFormat(format).withRowGroupBytes(64L << 20));
  }

  private static int files(Table table) throws IOException {
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask ignored : tasks) {
        files++;
      }
    }
    return files;
  }

  @FunctionalInterface
  private interface SplitsBenchmarkMode {
    long[] read() throws Exception;
  }
}
