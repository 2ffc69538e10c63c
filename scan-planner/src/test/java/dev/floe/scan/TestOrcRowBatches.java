package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
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
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ORC decodes into row batches of at most 4096 rows whatever the Arrow batch size, so an Arrow
 * batch is assembled from several row batches, a row batch can end up split between two Arrow
 * batches, and row groups that ORC skipped (search-argument pruning) must break a batch, or rows
 * would get the wrong file positions and the wrong position deletes.
 */
class TestOrcRowBatches {
  private static final int ROWS = 30_000;
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()),
          Types.NestedField.optional(3, "block", Types.IntegerType.get()),
          Types.NestedField.optional(4, "note", Types.StringType.get()),
          Types.NestedField.optional(5, "price", Types.DecimalType.of(9, 2)),
          Types.NestedField.optional(6, "flag", Types.BooleanType.get()));

  @TempDir static Path dir;
  private static Table table;

  /**
   * One ORC file of ids 0..29,999 (id = file position), row index stride 1,000 so filters on id
   * prune row groups; {@code block} is constant per 10,000 rows and {@code note} is null from
   * 12,000 to 17,999 (repeating row batches); every 7th position is deleted.
   */
  @BeforeAll
  static void createTable() throws IOException {
    table =
        new HadoopTables(new Configuration())
            .create(
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of(
                    "format-version", "2",
                    "write.format.default", "orc",
                    "orc.row.index.stride", "1000"),
                dir.resolve("orc").toString());
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.ORC)
            .dataSchema(table.schema())
            .deleteFileFormat(FileFormat.ORC)
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).build();
    DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    try (data) {
      for (long id = 0; id < ROWS; id++) {
        Record record = GenericRecord.create(table.schema());
        record.setField("id", id);
        record.setField("name", id % 10 == 0 ? null : "name-" + (id % 97) + "-" + id);
        record.setField("block", (int) (id / 10_000));
        record.setField("note", id >= 12_000 && id < 18_000 ? null : "note-" + (id % 3));
        record.setField("price", java.math.BigDecimal.valueOf(id * 7 - 50_000, 2));
        record.setField("flag", id % 11 == 0 ? null : id % 3 == 0);
        data.write(record);
      }
    }
    DataFile dataFile = data.toDataFile();
    PositionDeleteWriter<Record> positions =
        writers.newPositionDeleteWriter(files.newOutputFile(), table.spec(), null);
    try (positions) {
      PositionDelete<Record> delete = PositionDelete.create();
      for (long pos = 0; pos < ROWS; pos += 7) {
        positions.write(delete.set(dataFile.location(), pos));
      }
    }
    table.newAppend().appendFile(dataFile).commit();
    table.newRowDelta().addDeletes(positions.toDeleteFile()).commit();
  }

  private static final List<Expression> FILTERS =
      List.of(
          Expressions.alwaysTrue(),
          Expressions.or(
              Expressions.lessThan("id", 3_000L),
              Expressions.and(
                  Expressions.greaterThanOrEqual("id", 25_000L),
                  Expressions.lessThan("id", 26_500L))),
          Expressions.greaterThan("id", 14_321L),
          Expressions.equal("block", 1),
          Expressions.isNull("note"),
          Expressions.equal("flag", true));

  @Test
  void returnsTheRowsIcebergGenericsReturnsAcrossRowBatchBoundaries() {
    for (Expression filter : FILTERS) {
      for (int batchSize : new int[] {1, 7, 1000, 4096, 4097, 5000, 10_000, 1_000_000}) {
        Differential.assertSameRows(new Differential.Case(table, null, filter, null), batchSize);
      }
    }
  }

  @Test
  void everyRowKeepsItsFilePositionWhenRowGroupsArePruned() {
    Expression filter = FILTERS.get(1);
    for (int batchSize : new int[] {7, 4096, 5000, 1_000_000}) {
      long rows = 0;
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream =
              DataScan.of(table)
                  .select("id")
                  .filter(filter)
                  .withMetadataColumns("_pos")
                  .toRecordBatches(batchSize, allocator)) {
        for (VectorSchemaRoot batch : stream) {
          BigIntVector ids = (BigIntVector) batch.getVector("id");
          BigIntVector positions = (BigIntVector) batch.getVector("_pos");
          for (int i = 0; i < batch.getRowCount(); i++) {
            assertThat(positions.get(i)).isEqualTo(ids.get(i));
            assertThat(ids.get(i) % 7).isNotZero();
          }
          rows += batch.getRowCount();
        }
        if (batchSize == 1_000_000) {
          // one batch per contiguous run of row groups ORC read: [0, 3000) and [25000, 27000)
          assertThat(stream.batchesRead()).as("batches at %d", batchSize).isEqualTo(2);
        }
      }
      long expected =
          java.util.stream.LongStream.range(0, ROWS)
              .filter(id -> id < 3_000 || (id >= 25_000 && id < 26_500))
              .filter(id -> id % 7 != 0)
              .count();
      assertThat(rows).as("rows at batch size %d", batchSize).isEqualTo(expected);
    }
  }

  @Test
  void batchesAreFilledUpToTheBatchSizeFromSeveralRowBatches() {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = DataScan.of(table).toRecordBatches(10_000, allocator)) {
      long rows = 0;
      for (VectorSchemaRoot batch : stream) {
        rows += batch.getRowCount();
      }
      // 30,000 file rows decode into exactly three 10,000-row batches (less every 7th row each)
      assertThat(stream.batchesRead()).isEqualTo(3);
      assertThat(rows).isEqualTo(ROWS - (ROWS + 6) / 7);
    }
  }
}
