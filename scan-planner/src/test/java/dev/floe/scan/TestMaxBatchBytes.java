package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataScan#maxBatchBytes}: on a table of wide strings (mostly 0 to 8 KiB, every 500th row
 * 600 KiB, larger than the budget), written by Iceberg's Parquet and ORC writers in several row
 * groups / stripes, every batch of more than one row stays under the budget, the row count stays
 * bounded by the batch size, the rows are those of the unbounded scan in the same order, a row
 * larger than the budget comes alone, and ordered parallel reads cut the same batches.
 */
class TestMaxBatchBytes {
  private static final int ROWS = 4_000;
  private static final long BUDGET = 512 * 1024;
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "text", Types.StringType.get()),
          Types.NestedField.optional(3, "n", Types.IntegerType.get()));

  @TempDir static Path dir;
  private static Table parquet;
  private static Table orc;

  @BeforeAll
  static void createTables() throws IOException {
    parquet = wideStrings(FileFormat.PARQUET);
    orc = wideStrings(FileFormat.ORC);
  }

  private static Table wideStrings(FileFormat format) throws IOException {
    Table table =
        new HadoopTables(new Configuration())
            .create(
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of(
                    "format-version", "2",
                    "write.format.default", format.name().toLowerCase(),
                    "write.parquet.row-group-size-bytes", Long.toString(2L << 20),
                    "write.orc.stripe-size-bytes", Long.toString(2L << 20),
                    "orc.rows.between.memory.checks", "100"),
                dir.resolve(format.name()).toString());
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(format)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).build();
    Random random = new Random(7);
    for (int file = 0; file < 2; file++) {
      DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
      try (data) {
        for (long id = file * ROWS / 2; id < (file + 1) * ROWS / 2; id++) {
          Record record = GenericRecord.create(table.schema());
          record.setField("id", id);
          int length = id % 500 == 499 ? 600 * 1024 : random.nextInt(8 * 1024);
          record.setField("text", id % 13 == 0 ? null : letters(random, length));
          record.setField("n", (int) id);
          data.write(record);
        }
      }
      DataFile written = data.toDataFile();
      table.newAppend().appendFile(written).commit();
    }
    return table;
  }

  private static String letters(Random random, int length) {
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      chars[i] = (char) ('a' + random.nextInt(26));
    }
    return new String(chars);
  }

  @Test
  void theTableHasSeveralRowGroupsPerFile() {
    for (Table table : List.of(parquet, orc)) {
      table
          .newScan()
          .planFiles()
          .forEach(task -> assertThat(task.file().splitOffsets()).hasSizeGreaterThan(1));
    }
  }

  @Test
  void batchesStayUnderTheBudgetAndRowsStayTheSame() {
    for (Table table : List.of(parquet, orc)) {
      for (int batchSize : new int[] {10_000, 100}) {
        List<Batch> unbounded = batches(DataScan.of(table), batchSize);
        List<Batch> bounded = batches(DataScan.of(table).maxBatchBytes(BUDGET), batchSize);
        assertThat(rows(bounded)).isEqualTo(rows(unbounded));
        long large = 0;
        for (Batch batch : bounded) {
          assertThat(batch.rows.size()).isBetween(1, batchSize);
          if (batch.rows.size() > 1) {
            assertThat(batch.bytes)
                .as("%s batch of %d rows", table.name(), batch.rows.size())
                .isLessThanOrEqualTo(BUDGET);
          } else if (batch.bytes > BUDGET) {
            large++;
          }
        }
        assertThat(large).as("rows larger than the budget, alone").isEqualTo(ROWS / 500);
        long total = unbounded.stream().mapToLong(Batch::bytes).sum();
        assertThat(bounded.size())
            .isGreaterThan(unbounded.size())
            .isGreaterThanOrEqualTo((int) (total / BUDGET));
        System.out.printf(
            "%s batch size %d: %d batches unbounded (largest %,d bytes), %d under %,d bytes%n",
            table.name(),
            batchSize,
            unbounded.size(),
            Collections.max(unbounded.stream().map(b -> b.bytes).toList()),
            bounded.size(),
            BUDGET);
      }
    }
  }

  @Test
  void orderedParallelReadsCutTheSameBatches() {
    for (Table table : List.of(parquet, orc)) {
      DataScan scan = DataScan.of(table).maxBatchBytes(BUDGET).filter(Expressions.notNull("text"));
      List<List<String>> serial = rowsPerBatch(batches(scan, 10_000));
      for (int parallelism : new int[] {2, 3, 5}) {
        assertThat(rowsPerBatch(batches(scan.parallelism(parallelism), 10_000)))
            .as("%s parallelism %d", table.name(), parallelism)
            .isEqualTo(serial);
      }
    }
  }

  @Test
  void splitsOpenedWithABudgetKeepItToo() throws IOException {
    for (Table table : List.of(parquet, orc)) {
      List<Batch> all = new ArrayList<>();
      try (CloseableIterable<ScanSplit> splits = DataScan.of(table).planSplits(1)) {
        for (ScanSplit split : splits) {
          try (BufferAllocator allocator = new RootAllocator();
              RecordBatchStream stream = split.open(table, 10_000, BUDGET, allocator)) {
            collect(stream, all);
          }
        }
      }
      assertThat(rows(all)).isEqualTo(rows(batches(DataScan.of(table), 10_000)));
      for (Batch batch : all) {
        if (batch.rows.size() > 1) {
          assertThat(batch.bytes).isLessThanOrEqualTo(BUDGET);
        }
      }
    }
    ScanSplit any = DataScan.of(parquet).planSplits(1).iterator().next();
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> any.open(parquet, 100, 0, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid maxBatchBytes: 0");
    }
  }

  @Test
  void invalidBudgetsFailWhenTheScanIsBuilt() {
    for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
      assertThatThrownBy(() -> DataScan.of(parquet).maxBatchBytes(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid maxBatchBytes: " + bad);
      assertThatThrownBy(() -> DataScan.of(parquet).maxBufferedBytes(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid maxBufferedBytes: " + bad);
    }
  }

  private record Batch(List<String> rows, long bytes) {}

  private static List<Batch> batches(DataScan scan, int batchSize) {
    List<Batch> batches = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      collect(stream, batches);
    }
    return batches;
  }

  private static void collect(RecordBatchStream stream, List<Batch> batches) {
    Schema schema = stream.icebergSchema();
    for (VectorSchemaRoot batch : stream) {
      long bytes = 0;
      for (FieldVector vector : batch.getFieldVectors()) {
        bytes += vector.getBufferSize();
      }
      // each row as its length and hash: the strings themselves would fill the heap
      List<String> rows =
          Rows.fromBatch(batch, schema).stream()
              .map(line -> line.length() + ":" + line.hashCode())
              .toList();
      batches.add(new Batch(rows, bytes));
    }
  }

  private static List<String> rows(List<Batch> batches) {
    List<String> rows = new ArrayList<>();
    batches.forEach(batch -> rows.addAll(batch.rows));
    return rows;
  }

  private static List<List<String>> rowsPerBatch(List<Batch> batches) {
    return batches.stream().map(Batch::rows).toList();
  }
}
