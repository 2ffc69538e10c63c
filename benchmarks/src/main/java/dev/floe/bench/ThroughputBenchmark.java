package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CombinedScanTask;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.arrow.vectorized.ArrowReader;
import org.apache.iceberg.arrow.vectorized.ColumnarBatch;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.orc.OrcFile;
import org.apache.orc.Reader;
import org.apache.orc.RecordReader;
import org.apache.orc.TypeDescription;
import org.apache.orc.storage.ql.exec.vector.LongColumnVector;
import org.apache.orc.storage.ql.exec.vector.VectorizedRowBatch;

/**
 * Side-by-side throughput of Floe against the readers Java users have today, on the same generated
 * table in one run: rounds interleave the readers (A, B, C, A, B, C, ...) so machine noise hits
 * them alike, and the report gives medians and ratios. Every reader reads every column and sums the
 * {@code id} column, so no reader can skip work.
 *
 * <p>Usage: {@code ThroughputBenchmark [rows] [rounds] [cacheDir]}.
 */
public final class ThroughputBenchmark {
  private static final int BATCH = 10_000;

  private ThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    int parallelism =
        args.length > 3
            ? Integer.parseInt(args[3])
            : Math.max(2, Runtime.getRuntime().availableProcessors());
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      TableIdentifier id =
          TableIdentifier.of(
              "bench", "events_" + rows + "_" + format.name().toLowerCase(Locale.ROOT));
      Table table =
          catalog.tableExists(id)
              ? catalog.loadTable(id)
              : Fixtures.events(
                  catalog,
                  id,
                  FixtureOptions.defaults()
                      .withRows(rows)
                      .withFormat(format)
                      .withRowGroupBytes(64L << 20));
      run(table, format, rounds, parallelism);
    }
  }

  private static void run(Table table, FileFormat format, int rounds, int parallelism)
      throws Exception {
    long noDeletes = lastSnapshotWithoutDeletes(table);
    Map<String, Mode> readers = new LinkedHashMap<>();
    readers.put("floe, with deletes", () -> floe(DataScan.of(table)));
    readers.put("IcebergGenerics, with deletes", () -> generics(table, null));
    readers.put(
        "floe, no deletes (pre-delete snapshot)",
        () -> floe(DataScan.of(table).useSnapshot(noDeletes)));
    if (format == FileFormat.PARQUET) {
      readers.put("iceberg-arrow ArrowReader, no deletes", () -> icebergArrow(table, noDeletes));
    } else {
      readers.put("raw orc-core VectorizedRowBatch, no deletes", () -> rawOrc(table, noDeletes));
    }
    readers.put("IcebergGenerics, no deletes", () -> generics(table, noDeletes));
    readers.put(
        "floe, with deletes, " + parallelism + " files at once",
        () -> floe(DataScan.of(table).parallelism(parallelism)));
    readers.put("floe, with deletes, through the Arrow C stream", () -> floeThroughCStream(table));

    Map<String, List<Result>> results = new LinkedHashMap<>();
    readers.keySet().forEach(name -> results.put(name, new ArrayList<>()));
    for (Map.Entry<String, Mode> warmup : readers.entrySet()) {
      warmup.getValue().read();
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Mode> reader : readers.entrySet()) {
        long start = System.nanoTime();
        long[] counts = reader.getValue().read();
        results
            .get(reader.getKey())
            .add(new Result(counts[0], counts[1], System.nanoTime() - start));
      }
    }
    report(table, format, results);
  }

  private record Result(long rows, long checksum, long nanos) {
    double rowsPerSecond() {
      return rows / (nanos / 1e9);
    }
  }

  @FunctionalInterface
  private interface Mode {
    long[] read() throws Exception;
  }

  private static void report(Table table, FileFormat format, Map<String, List<Result>> results) {
    System.out.printf(
        "%n## %s (%s), median of %d rounds, batch %d rows%n%n",
        table.name(), format, results.values().iterator().next().size(), BATCH);
    System.out.println("| reader | rows | median s | min s | M rows/s (median) |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    Map<String, Double> medians = new LinkedHashMap<>();
    for (Map.Entry<String, List<Result>> entry : results.entrySet()) {
      List<Result> runs = new ArrayList<>(entry.getValue());
      runs.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
      Result median = runs.get(runs.size() / 2);
      medians.put(entry.getKey(), median.rowsPerSecond());
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %.2f | %.2f | %.2f |%n",
          entry.getKey(),
          median.rows(),
          median.nanos() / 1e9,
          runs.get(0).nanos() / 1e9,
          median.rowsPerSecond() / 1e6);
    }
    List<String> names = new ArrayList<>(medians.keySet());
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "- floe with deletes / IcebergGenerics with deletes: %.2fx%n",
        medians.get(names.get(0)) / medians.get(names.get(1)));
    System.out.printf(
        Locale.ROOT,
        "- floe no deletes / %s: %.2fx%n",
        names.get(3),
        medians.get(names.get(2)) / medians.get(names.get(3)));
    System.out.printf(
        Locale.ROOT,
        "- floe no deletes / IcebergGenerics no deletes: %.2fx%n",
        medians.get(names.get(2)) / medians.get(names.get(4)));
    System.out.printf(
        Locale.ROOT,
        "- %s / IcebergGenerics with deletes: %.2fx%n",
        names.get(5),
        medians.get(names.get(5)) / medians.get(names.get(1)));
    System.out.printf(
        Locale.ROOT,
        "- %s / floe with deletes: %.2fx (the importer holds each batch while asking for the next,"
            + " so every batch is decoded into fresh buffers)%n",
        names.get(6),
        medians.get(names.get(6)) / medians.get(names.get(0)));
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
    return new long[] {rows, sum};
  }

  /**
   * The scan exported with {@code Data.exportArrayStream} and imported again, as pyarrow and DuckDB
   * consume it: the importer still holds batch n while it asks for batch n + 1.
   */
  private static long[] floeThroughCStream(Table table) throws IOException {
    long rows = 0;
    long sum = 0;
    try (BufferAllocator allocator = new RootAllocator();
        ArrowArrayStream cStream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(
          allocator, DataScan.of(table).toRecordBatches(BATCH, allocator), cStream);
      try (org.apache.arrow.vector.ipc.ArrowReader imported =
          Data.importArrayStream(allocator, cStream)) {
        VectorSchemaRoot batch = imported.getVectorSchemaRoot();
        while (imported.loadNextBatch()) {
          BigIntVector ids = (BigIntVector) batch.getVector("id");
          for (int i = 0; i < batch.getRowCount(); i++) {
            sum += ids.get(i);
          }
          rows += batch.getRowCount();
        }
      }
    }
    return new long[] {rows, sum};
  }

  private static long[] generics(Table table, Long snapshot) throws IOException {
    IcebergGenerics.ScanBuilder builder = IcebergGenerics.read(table);
    if (snapshot != null) {
      builder = builder.useSnapshot(snapshot);
    }
    long rows = 0;
    long sum = 0;
    try (CloseableIterable<Record> records = builder.build()) {
      for (Record record : records) {
        sum += (Long) record.getField("id");
        rows++;
      }
    }
    return new long[] {rows, sum};
  }

  private static long[] icebergArrow(Table table, long snapshot) throws IOException {
    TableScan scan = table.newScan().useSnapshot(snapshot);
    long rows = 0;
    long sum = 0;
    try (ArrowReader reader = new ArrowReader(scan, BATCH, true);
        CloseableIterable<CombinedScanTask> tasks = scan.planTasks();
        CloseableIterator<ColumnarBatch> batches = reader.open(tasks)) {
      int idColumn = scan.schema().columns().indexOf(scan.schema().findField("id"));
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        for (int i = 0; i < batch.numRows(); i++) {
          sum += batch.column(idColumn).getLong(i);
        }
        rows += batch.numRows();
      }
    }
    return new long[] {rows, sum};
  }

  private static long[] rawOrc(Table table, long snapshot) throws IOException {
    long rows = 0;
    long sum = 0;
    Configuration conf = new Configuration();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot).planFiles()) {
      for (FileScanTask task : tasks) {
        try (Reader reader =
            OrcFile.createReader(
                new org.apache.hadoop.fs.Path(task.file().location()),
                OrcFile.readerOptions(conf))) {
          TypeDescription schema = reader.getSchema();
          int idColumn = schema.getFieldNames().indexOf("id");
          VectorizedRowBatch batch = schema.createRowBatch(BATCH);
          try (RecordReader rowsReader = reader.rows(reader.options())) {
            while (rowsReader.nextBatch(batch)) {
              LongColumnVector ids = (LongColumnVector) batch.cols[idColumn];
              for (int i = 0; i < batch.size; i++) {
                sum += ids.vector[ids.isRepeating ? 0 : i];
              }
              rows += batch.size;
            }
          }
        }
      }
    }
    return new long[] {rows, sum};
  }

  private static long lastSnapshotWithoutDeletes(Table table) {
    long chosen = -1;
    for (Snapshot snapshot : table.snapshots()) {
      String deletes = snapshot.summary().getOrDefault("total-delete-files", "0");
      if (!"0".equals(deletes)) {
        break;
      }
      chosen = snapshot.snapshotId();
    }
    if (chosen < 0) {
      throw new IllegalStateException(
          "Table " + table.name() + " has deletes from its first snapshot");
    }
    return chosen;
  }
}
