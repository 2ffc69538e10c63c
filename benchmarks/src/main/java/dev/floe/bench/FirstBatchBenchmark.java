package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Time to the first batch as the table grows in files: the fixtures' many-files table (Parquet, v2,
 * one position-delete file per data file) with 10 and with 10,000 data files, at the snapshot with
 * the deletes and at the append before them, each round building the scan of an already loaded
 * table and loading its first batch. Planning is lazy, so the first batch should not wait for the
 * whole plan: the target is within 2x between the two tables.
 *
 * <p>Usage: {@code FirstBatchBenchmark [rounds] [cacheDir]}.
 */
public final class FirstBatchBenchmark {
  private static final int BATCH = 10_000;
  private static final int ROWS_PER_FILE = 100;

  private FirstBatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    Path cache = Path.of(args.length > 1 ? args[1] : "benchmarks/target/tables");
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    Table few = table(catalog, 10);
    Table many = table(catalog, 10_000);
    List<String> lines = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    for (boolean deletes : new boolean[] {true, false}) {
      long fewSnapshot = snapshot(few, deletes);
      long manySnapshot = snapshot(many, deletes);
      firstBatch(few, fewSnapshot); // warm-up: classes, JIT
      firstBatch(many, manySnapshot);
      List<Long> fewNanos = new ArrayList<>();
      List<Long> manyNanos = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        fewNanos.add(firstBatch(few, fewSnapshot));
        manyNanos.add(firstBatch(many, manySnapshot));
      }
      String kind = deletes ? "with a position-delete file per data file" : "before the deletes";
      lines.add(row(few, 10, kind, fewNanos));
      lines.add(row(many, 10_000, kind, manyNanos));
      medians.add(median(manyNanos) / median(fewNanos));
    }
    System.out.printf(
        Locale.ROOT,
        "%n## Time to first batch (Parquet, batch %d), median of %d rounds%n%n"
            + "| table | data files | snapshot | first batch ms (median) | min ms |%n"
            + "| --- | ---: | --- | ---: | ---: |%n%s%n"
            + "- 10,000 files / 10 files, with deletes: %.2fx; before the deletes: %.2fx (target:"
            + " within 2x)%n",
        BATCH,
        rounds,
        String.join("\n", lines),
        medians.get(0),
        medians.get(1));
  }

  private static String row(Table table, int files, String kind, List<Long> nanos) {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %s | %.1f | %.1f |",
        table.name(),
        files,
        kind,
        median(nanos) / 1e6,
        Collections.min(nanos) / 1e6);
  }

  /** The current snapshot (with the deletes), or the append before it. */
  private static long snapshot(Table table, boolean deletes) {
    Snapshot current = table.currentSnapshot();
    return deletes ? current.snapshotId() : current.parentId();
  }

  private static Table table(Catalog catalog, int files) {
    TableIdentifier id = TableIdentifier.of("bench", "many_files_" + files);
    if (catalog.tableExists(id)) {
      return catalog.loadTable(id);
    }
    long start = System.nanoTime();
    Table table =
        Fixtures.manyFiles(
            catalog, id, FixtureOptions.defaults().withRows((long) files * ROWS_PER_FILE), files);
    System.out.printf(
        Locale.ROOT,
        "Generated %s (%d files) in %.1f s%n",
        id,
        files,
        (System.nanoTime() - start) / 1e9);
    return table;
  }

  /** Nanoseconds from building the scan to its first batch being loaded. */
  private static long firstBatch(Table table, long snapshot) {
    try (BufferAllocator allocator = new RootAllocator()) {
      long start = System.nanoTime();
      try (RecordBatchStream batches =
          DataScan.of(table).useSnapshot(snapshot).toRecordBatches(BATCH, allocator)) {
        if (!batches.loadNextBatch() || batches.getVectorSchemaRoot().getRowCount() == 0) {
          throw new IllegalStateException("No first batch from " + table.name());
        }
        return System.nanoTime() - start;
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
