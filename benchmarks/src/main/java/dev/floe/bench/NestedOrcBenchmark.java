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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Floe against IcebergGenerics on the fixtures' nested table in ORC ({@code Fixtures.nested}:
 * structs, lists, maps up to four levels deep, lists of lists, maps of structs, wide lists, ~20%
 * nulls at every level), with its deletes (position deletes, equality deletes on {@code id} and on
 * {@code st.a}) and at its first snapshot, before any delete. Both read every column of every row
 * in the same JVM, rounds interleaved (Floe, Generics, Floe, ...), and sum the {@code id} column,
 * so neither can skip work. Reports medians and ratios. The table is generated once into the cache
 * folder and reused.
 *
 * <p>Usage: {@code NestedOrcBenchmark [rows] [rounds] [cacheDir] [batchSize]}.
 */
public final class NestedOrcBenchmark {
  private NestedOrcBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    TableIdentifier id = TableIdentifier.of("bench", "nested_" + rows + "_orc");
    long start = System.nanoTime();
    Table table =
        catalog.tableExists(id)
            ? catalog.loadTable(id)
            : Fixtures.nested(
                catalog,
                id,
                FixtureOptions.defaults()
                    .withRows(rows)
                    .withFormat(FileFormat.ORC)
                    .withRowGroupBytes(64L << 20));
    System.out.printf(Locale.ROOT, "table ready in %.1f s%n", (System.nanoTime() - start) / 1e9);
    long firstSnapshot = firstSnapshot(table);

    Map<String, Read> readers = new LinkedHashMap<>();
    readers.put("floe, with deletes", () -> floe(DataScan.of(table), batchSize));
    readers.put("IcebergGenerics, with deletes", () -> generics(table, null));
    readers.put(
        "floe, no deletes (first snapshot)",
        () -> floe(DataScan.of(table).useSnapshot(firstSnapshot), batchSize));
    readers.put(
        "IcebergGenerics, no deletes (first snapshot)", () -> generics(table, firstSnapshot));

    Map<String, List<long[]>> results = new LinkedHashMap<>();
    for (Map.Entry<String, Read> reader : readers.entrySet()) {
      reader.getValue().read(); // warm-up
      results.put(reader.getKey(), new ArrayList<>());
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Read> reader : readers.entrySet()) {
        long begin = System.nanoTime();
        long[] counts = reader.getValue().read();
        results
            .get(reader.getKey())
            .add(new long[] {counts[0], counts[1], System.nanoTime() - begin});
      }
    }
    report(table, batchSize, results);
  }

  @FunctionalInterface
  private interface Read {
    long[] read() throws IOException;
  }

  private static void report(Table table, int batchSize, Map<String, List<long[]>> results) {
    System.out.printf(
        "%n## %s (ORC, nested), median of %d rounds, Floe batch %,d rows%n%n",
        table.name(), results.values().iterator().next().size(), batchSize);
    System.out.println("| reader | rows | id checksum | median s | min s | M rows/s (median) |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    List<Double> rates = new ArrayList<>();
    for (Map.Entry<String, List<long[]>> entry : results.entrySet()) {
      List<long[]> runs = new ArrayList<>(entry.getValue());
      runs.sort((a, b) -> Long.compare(a[2], b[2]));
      long[] median = runs.get(runs.size() / 2);
      double rate = median[0] / (median[2] / 1e9);
      rates.add(rate);
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %d | %.2f | %.2f | %.3f |%n",
          entry.getKey(),
          median[0],
          median[1],
          median[2] / 1e9,
          runs.get(0)[2] / 1e9,
          rate / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "%n- floe / IcebergGenerics, with deletes: %.2fx%n- floe / IcebergGenerics, no deletes:"
            + " %.2fx%n",
        rates.get(0) / rates.get(1),
        rates.get(2) / rates.get(3));
  }

  private static long[] floe(DataScan scan, int batchSize) {
    long rows = 0;
    long sum = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches = scan.toRecordBatches(batchSize, allocator)) {
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

  private static long firstSnapshot(Table table) {
    long first = -1;
    long sequence = Long.MAX_VALUE;
    for (var snapshot : table.snapshots()) {
      if (snapshot.sequenceNumber() < sequence) {
        sequence = snapshot.sequenceNumber();
        first = snapshot.snapshotId();
      }
    }
    return first;
  }
}
