package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The narrow table of issue #15 (12 files, nine short columns) read by Floe at each of its delete
 * snapshots, by IcebergGenerics, and by the native anchors (pyarrow.dataset = Arrow C++, DuckDB) on
 * the same data files, rounds interleaved, every column, batch 10,000. Run it under {@code taskset
 * -c 0} for the per-core figures (the Python anchors inherit the pinning); with the label {@code
 * unpinned} it also reads at parallelism 2. With {@code events} as the fifth argument, the same
 * anchors run on ThroughputBenchmark's events tables too, if they are in the cache.
 *
 * <p>Throughput is in rows scanned per second: the table's rows before deletes over the time, so a
 * delete's cost shows as lost throughput.
 *
 * <p>Usage: {@code NarrowBenchmark [rows] [rounds] [cacheDir] [pinned|unpinned] [events]}.
 */
public final class NarrowBenchmark {
  private static final int BATCH = 10_000;

  private NarrowBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 12_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    boolean pinned = args.length <= 3 || !"unpinned".equals(args[3]);
    boolean events = args.length > 4 && "events".equals(args[4]);
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    try (Anchors anchors = Anchors.start()) {
      for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
        String suffix = "_" + format.name().toLowerCase(Locale.ROOT);
        TableIdentifier id = TableIdentifier.of("bench", "narrow_" + rows + suffix);
        Table table =
            catalog.tableExists(id)
                ? catalog.loadTable(id)
                : Fixtures.narrow(
                    catalog,
                    id,
                    FixtureOptions.defaults()
                        .withRows(rows)
                        .withFormat(format)
                        .withRowGroupBytes(128L << 20));
        runNarrow(table, format, rounds, pinned, anchors);
      }
      if (events) {
        for (Table table : eventsTables(catalog)) {
          runEvents(table, rounds, pinned, anchors);
        }
      }
    }
  }

  private static void runNarrow(
      Table table, FileFormat format, int rounds, boolean pinned, Anchors anchors) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    long none = snapshots.get(0).snapshotId();
    long idOnly = snapshots.get(1).snapshotId();
    long issue = snapshots.get(2).snapshotId();
    long pairs = snapshots.get(3).snapshotId();
    Map<String, Mode> modes = new LinkedHashMap<>();
    modes.put(NO_DELETES, () -> floe(DataScan.of(table).useSnapshot(none)));
    modes.put("floe, 1% equality (id)", () -> floe(DataScan.of(table).useSnapshot(idOnly)));
    modes.put(ISSUE_DELETES, () -> floe(DataScan.of(table).useSnapshot(issue)));
    modes.put(
        "floe, + 10% two-column equality (qty, id)",
        () -> floe(DataScan.of(table).useSnapshot(pairs)));
    if (!pinned) {
      modes.put(
          "floe, issue's deletes, parallelism 2",
          () -> floe(DataScan.of(table).useSnapshot(issue).parallelism(2)));
    }
    modes.put("IcebergGenerics, no deletes", () -> generics(table, none));
    modes.put("IcebergGenerics, issue's deletes", () -> generics(table, issue));
    addAnchors(modes, anchors, table, none, format);
    Map<String, List<Result>> results = measure(modes, rounds);
    report(table, format, pinned, totalRecords(snapshots.get(0)), results);
    ratio(ISSUE_DELETES, PYARROW_ONE, "target >= 1.0");
    ratio(NO_DELETES, PYARROW_ONE, "");
    ratio(PYARROW_THREADS, PYARROW_ONE, "");
    cost("floe, 1% equality (id)", "target <= 10%");
    cost(ISSUE_DELETES, "");
    cost("floe, + 10% two-column equality (qty, id)", "target <= 25%; includes the 1%");
    ratio(ISSUE_DELETES, "IcebergGenerics, issue's deletes", "");
    ratio(NO_DELETES, "IcebergGenerics, no deletes", "");
  }

  private static void runEvents(Table table, int rounds, boolean pinned, Anchors anchors) {
    long none = lastSnapshotWithoutDeletes(table);
    FileFormat format =
        table.name().endsWith("_orc") ? FileFormat.ORC : FileFormat.PARQUET; // fixture naming
    Map<String, Mode> modes = new LinkedHashMap<>();
    modes.put(NO_DELETES, () -> floe(DataScan.of(table).useSnapshot(none)));
    modes.put("floe, with deletes", () -> floe(DataScan.of(table)));
    if (!pinned) {
      modes.put("floe, with deletes, parallelism 2", () -> floe(DataScan.of(table).parallelism(2)));
    }
    addAnchors(modes, anchors, table, none, format);
    Map<String, List<Result>> results = measure(modes, rounds);
    report(table, format, pinned, totalRecords(table.snapshot(none)), results);
    ratio("floe, with deletes", PYARROW_ONE, "");
    ratio("floe, with deletes", PYARROW_THREADS, "");
    if (!pinned) {
      ratio("floe, with deletes, parallelism 2", PYARROW_THREADS, "target >= 0.9");
    }
  }

  private static final String NO_DELETES = "floe, no deletes";
  private static final String ISSUE_DELETES = "floe, issue's deletes (1% equality + position)";
  private static final String PYARROW_ONE = "pyarrow.dataset, use_threads=False, no deletes";
  private static final String PYARROW_THREADS = "pyarrow.dataset, use_threads=True, no deletes";

  private static void addAnchors(
      Map<String, Mode> modes, Anchors anchors, Table table, long snapshot, FileFormat format) {
    if (!anchors.available()) {
      System.out.println("(native anchors skipped: " + anchors.reason() + ")");
      return;
    }
    List<String> files = dataFiles(table, snapshot);
    String fmt = format.name().toLowerCase(Locale.ROOT);
    modes.put(PYARROW_ONE, () -> anchors.read("pyarrow " + fmt + " 0 " + BATCH, files));
    modes.put(PYARROW_THREADS, () -> anchors.read("pyarrow " + fmt + " 1 " + BATCH, files));
    if (format == FileFormat.PARQUET) {
      modes.put("DuckDB read_parquet, 1 thread", () -> anchors.read("duckdb 1 " + BATCH, files));
      modes.put("DuckDB read_parquet, 2 threads", () -> anchors.read("duckdb 2 " + BATCH, files));
    }
  }

  private static Map<String, List<Result>> measure(Map<String, Mode> modes, int rounds) {
    Map<String, List<Result>> results = new LinkedHashMap<>();
    for (Map.Entry<String, Mode> mode : modes.entrySet()) {
      long[] warm = mode.getValue().read();
      if (warm == null) {
        continue; // an anchor that is not installed
      }
      results.put(mode.getKey(), new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (String name : results.keySet()) {
        long start = System.nanoTime();
        long[] counts = modes.get(name).read();
        long nanos = counts.length > 1 && counts[1] < 0 ? -counts[1] : System.nanoTime() - start;
        results.get(name).add(new Result(counts[0], nanos));
      }
    }
    return results;
  }

  private record Result(long rows, long nanos) {}

  @FunctionalInterface
  private interface Mode {
    /** Rows read, and minus the reader's own nanoseconds if it timed itself; null to skip. */
    long[] read();
  }

  private static final Map<String, Double> MEDIANS = new LinkedHashMap<>();

  private static void report(
      Table table, FileFormat format, boolean pinned, long scanned, Map<String, List<Result>> all) {
    MEDIANS.clear();
    System.out.printf(
        Locale.ROOT,
        "%n## %s (%s), %s, %,d rows scanned, median of %d rounds, batch %d%n%n",
        table.name(),
        format,
        pinned ? "pinned to one core (taskset -c 0)" : "unpinned (2 cores)",
        scanned,
        all.values().iterator().next().size(),
        BATCH);
    System.out.println("| reader | rows out | median s | best s | M rows scanned/s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (Map.Entry<String, List<Result>> entry : all.entrySet()) {
      List<Result> runs = new ArrayList<>(entry.getValue());
      runs.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
      Result median = runs.get(runs.size() / 2);
      double perSecond = scanned / (median.nanos() / 1e9);
      MEDIANS.put(entry.getKey(), perSecond);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %.2f | %.2f | %.2f |%n",
          entry.getKey(),
          median.rows(),
          median.nanos() / 1e9,
          runs.get(0).nanos() / 1e9,
          perSecond / 1e6);
    }
    System.out.println();
  }

  private static void ratio(String a, String b, String note) {
    if (MEDIANS.containsKey(a) && MEDIANS.containsKey(b)) {
      System.out.printf(
          Locale.ROOT,
          "- %s / %s: %.2fx%s%n",
          a,
          b,
          MEDIANS.get(a) / MEDIANS.get(b),
          note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  private static void cost(String mode, String note) {
    if (MEDIANS.containsKey(mode) && MEDIANS.containsKey(NO_DELETES)) {
      System.out.printf(
          Locale.ROOT,
          "- cost of %s vs no deletes: %.1f%% of the throughput%s%n",
          mode,
          100 * (1 - MEDIANS.get(mode) / MEDIANS.get(NO_DELETES)),
          note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  private static long[] floe(DataScan scan) {
    long rows = 0;
    long sum = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches = scan.toRecordBatches(BATCH, allocator)) {
      for (VectorSchemaRoot batch : batches) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int i = 0; i < batch.getRowCount(); i++) {
          sum += ids.get(i);
        }
        rows += batch.getRowCount();
      }
    }
    return new long[] {rows, 0, sum};
  }

  private static long[] generics(Table table, long snapshot) {
    long rows = 0;
    long sum = 0;
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshot).build()) {
      for (Record record : records) {
        sum += (Long) record.getField("id");
        rows++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new long[] {rows, 0, sum};
  }

  private static List<String> dataFiles(Table table, long snapshot) {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot).planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(task.file().location().replaceFirst("^file:", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static long totalRecords(Snapshot snapshot) {
    return Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
  }

  private static List<Table> eventsTables(Catalog catalog) {
    List<Table> tables = new ArrayList<>();
    for (TableIdentifier id :
        catalog.listTables(org.apache.iceberg.catalog.Namespace.of("bench"))) {
      if (id.name().startsWith("events_")) {
        tables.add(catalog.loadTable(id));
      }
    }
    return tables;
  }

  private static long lastSnapshotWithoutDeletes(Table table) {
    long chosen = -1;
    for (Snapshot snapshot : table.snapshots()) {
      if (!"0".equals(snapshot.summary().getOrDefault("total-delete-files", "0"))) {
        break;
      }
      chosen = snapshot.snapshotId();
    }
    return chosen;
  }
}
