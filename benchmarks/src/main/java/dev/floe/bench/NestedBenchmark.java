package dev.floe.bench;

import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;

/**
 * Floe against IcebergGenerics on a Parquet table of nested columns (a struct of a struct of a
 * list, a list of strings, a map of string to long, a list of structs, a list of lists; ~20% nulls
 * at every level), both reading every column of every row in the same JVM, rounds interleaved.
 * Reports the median rows per second of each and their ratio. The table is written once (with
 * Iceberg's Parquet writer) into the cache folder and reused.
 *
 * <p>Usage: {@code NestedBenchmark [rows] [rounds] [cacheDir] [batchSize]}.
 */
public final class NestedBenchmark {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(
              2,
              "st",
              Types.StructType.of(
                  Types.NestedField.optional(3, "a", Types.IntegerType.get()),
                  Types.NestedField.optional(4, "b", Types.StringType.get()),
                  Types.NestedField.optional(
                      5,
                      "inner",
                      Types.StructType.of(
                          Types.NestedField.optional(6, "x", Types.DoubleType.get()),
                          Types.NestedField.optional(
                              7, "y", Types.ListType.ofOptional(8, Types.IntegerType.get())))))),
          Types.NestedField.optional(
              9, "tags", Types.ListType.ofOptional(10, Types.StringType.get())),
          Types.NestedField.optional(
              11,
              "props",
              Types.MapType.ofOptional(12, 13, Types.StringType.get(), Types.LongType.get())),
          Types.NestedField.optional(
              14,
              "items",
              Types.ListType.ofOptional(
                  15,
                  Types.StructType.of(
                      Types.NestedField.optional(16, "k", Types.IntegerType.get()),
                      Types.NestedField.optional(17, "v", Types.StringType.get())))),
          Types.NestedField.optional(
              18,
              "grid",
              Types.ListType.ofOptional(
                  19, Types.ListType.ofOptional(20, Types.IntegerType.get()))));

  private NestedBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    java.nio.file.Path cache =
        java.nio.file.Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables");
    int batchSize = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    Catalog catalog = Warehouse.hadoop(cache).catalog();
    Table table = table(catalog, rows);
    System.out.printf(
        "%n## %s: %,d rows of nested columns, Parquet, batch %,d%n%n",
        table.name(), rows, batchSize);
    readFloe(table, batchSize);
    readGenerics(table);
    List<Long> floe = new ArrayList<>();
    List<Long> generics = new ArrayList<>();
    List<Long> floeCpu = new ArrayList<>();
    List<Long> genericsCpu = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      long[] f = timed(() -> readFloe(table, batchSize), rows);
      floe.add(f[0]);
      floeCpu.add(f[1]);
      long[] g = timed(() -> readGenerics(table), rows);
      generics.add(g[0]);
      genericsCpu.add(g[1]);
    }
    System.out.println("| reader | median wall s | rows/s (wall) | median CPU s | rows/s (CPU) |");
    System.out.println("| --- | --- | --- | --- | --- |");
    report("Floe", rows, floe, floeCpu);
    report("IcebergGenerics", rows, generics, genericsCpu);
    System.out.printf(
        Locale.ROOT,
        "%nFloe / IcebergGenerics: %.1fx by wall time, %.1fx by CPU time (the reading thread's)%n",
        (double) median(generics) / median(floe),
        (double) median(genericsCpu) / median(floeCpu));
  }

  private static void report(String reader, long rows, List<Long> wall, List<Long> cpu) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %.2f | %,.0f | %.2f | %,.0f |%n",
        reader,
        median(wall) / 1e9,
        rows / (median(wall) / 1e9),
        median(cpu) / 1e9,
        rows / (median(cpu) / 1e9));
  }

  private interface Read {
    long rows() throws IOException;
  }

  /** Wall and CPU nanoseconds of one read; both readers read on the calling thread. */
  private static long[] timed(Read read, long expected) throws IOException {
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long rows = read.rows();
    long elapsed = System.nanoTime() - start;
    long cpuElapsed = threads.getCurrentThreadCpuTime() - cpu;
    if (rows != expected) {
      throw new IllegalStateException("Read " + rows + " rows, expected " + expected);
    }
    return new long[] {elapsed, cpuElapsed};
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static long readFloe(Table table, int batchSize) {
    long rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = DataScan.of(table).toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        rows += batch.getRowCount();
      }
    }
    return rows;
  }

  private static long readGenerics(Table table) throws IOException {
    long rows = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        if (record.get(0) != null) {
          rows++;
        }
      }
    }
    return rows;
  }

  private static Table table(Catalog catalog, long rows) throws IOException {
    TableIdentifier name = TableIdentifier.of("bench", "nested_" + rows);
    if (catalog.tableExists(name)) {
      return catalog.loadTable(name);
    }
    Table table =
        catalog.createTable(
            name,
            SCHEMA,
            PartitionSpec.unpartitioned(),
            Map.of(TableProperties.DEFAULT_FILE_FORMAT, "parquet"));
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
    Random random = new Random(20261202L);
    long perFile = Math.max(1, rows / 4);
    var append = table.newAppend();
    for (long first = 0; first < rows; first += perFile) {
      DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
      try (data) {
        for (long id = first; id < Math.min(rows, first + perFile); id++) {
          data.write(row(table.schema(), id, random));
        }
      }
      append.appendFile(data.toDataFile());
    }
    append.commit();
    return table;
  }

  private static Record row(Schema schema, long id, Random random) {
    Record row = GenericRecord.create(schema);
    row.setField("id", id);
    if (random.nextInt(5) != 0) {
      GenericRecord st = GenericRecord.create(schema.findField("st").type().asStructType());
      st.setField("a", nullable(random, random.nextInt()));
      st.setField("b", nullable(random, "b" + random.nextInt(1000)));
      if (random.nextInt(5) != 0) {
        GenericRecord inner =
            GenericRecord.create(schema.findField("st.inner").type().asStructType());
        inner.setField("x", nullable(random, random.nextDouble()));
        inner.setField("y", nullable(random, ints(random)));
        st.setField("inner", inner);
      }
      row.setField("st", st);
    }
    if (random.nextInt(5) != 0) {
      List<String> tags = new ArrayList<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        tags.add(random.nextInt(10) == 0 ? null : "tag" + random.nextInt(50));
      }
      row.setField("tags", tags);
    }
    if (random.nextInt(5) != 0) {
      Map<String, Long> props = new HashMap<>();
      for (int i = random.nextInt(5); i > 0; i--) {
        props.put("p" + random.nextInt(100), random.nextInt(5) == 0 ? null : random.nextLong());
      }
      row.setField("props", props);
    }
    if (random.nextInt(5) != 0) {
      List<Record> items = new ArrayList<>();
      Types.StructType item = schema.findField("items.element").type().asStructType();
      for (int i = random.nextInt(4); i > 0; i--) {
        GenericRecord element = GenericRecord.create(item);
        element.setField("k", nullable(random, random.nextInt(100)));
        element.setField("v", nullable(random, "v" + random.nextInt(100)));
        items.add(element);
      }
      row.setField("items", items);
    }
    if (random.nextInt(5) != 0) {
      List<List<Integer>> grid = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        grid.add(random.nextInt(5) == 0 ? null : ints(random));
      }
      row.setField("grid", grid);
    }
    return row;
  }

  private static List<Integer> ints(Random random) {
    List<Integer> values = new ArrayList<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      values.add(random.nextInt(10) == 0 ? null : random.nextInt(1000));
    }
    return values;
  }

  private static <T> T nullable(Random random, T value) {
    return random.nextInt(5) == 0 ? null : value;
  }
}
