package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small hand-built table: the scan's contract and option checks. */
class TestScanBasics {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()),
          Types.NestedField.optional(3, "qty", Types.IntegerType.get()),
          Types.NestedField.optional(
              4, "tags", Types.ListType.ofOptional(5, Types.StringType.get())));

  @TempDir Path dir;
  private Table table;
  private Table orcTable;

  @BeforeEach
  void createTables() throws IOException {
    this.table = createTable("parquet", FileFormat.PARQUET);
    this.orcTable = createTable("orc", FileFormat.ORC);
  }

  /**
   * One data file per format (ids {@code k*1000 .. k*1000+999}), each with a position delete file
   * of its own format removing every third position, and an equality delete ({@code name =
   * 'name-7'}) in the last format.
   */
  private Table createTable(String name, FileFormat... formats) throws IOException {
    Table created =
        new HadoopTables(new Configuration())
            .create(
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of(
                    "format-version", "2",
                    "write.parquet.row-group-size-bytes", "2048",
                    "write.orc.stripe-size-bytes", "2048",
                    "write.format.default", formats[0].name()),
                dir.resolve(name).toString());
    OutputFileFactory files = OutputFileFactory.builderFor(created, 1, 1).build();
    List<DataFile> dataFiles = new java.util.ArrayList<>();
    List<DeleteFile> deleteFiles = new java.util.ArrayList<>();
    for (int k = 0; k < formats.length; k++) {
      GenericFileWriterFactory writers =
          new GenericFileWriterFactory.Builder(created)
              .dataFileFormat(formats[k])
              .dataSchema(created.schema())
              .deleteFileFormat(formats[k])
              .equalityFieldIds(new int[] {2})
              .equalityDeleteRowSchema(SCHEMA.select("name"))
              .build();
      DataFile dataFile = writeData(created, writers, files, k * 1000L);
      dataFiles.add(dataFile);
      PositionDeleteWriter<Record> positions =
          writers.newPositionDeleteWriter(files.newOutputFile(), created.spec(), null);
      try (positions) {
        PositionDelete<Record> delete = PositionDelete.create();
        for (long pos = 0; pos < 1000; pos += 3) {
          positions.write(delete.set(dataFile.location(), pos));
        }
      }
      deleteFiles.add(positions.toDeleteFile());
      if (k == formats.length - 1) {
        EqualityDeleteWriter<Record> equality =
            writers.newEqualityDeleteWriter(files.newOutputFile(), created.spec(), null);
        try (equality) {
          Record key = GenericRecord.create(SCHEMA.select("name"));
          equality.write(key.copy(Map.of("name", "name-7")));
        }
        deleteFiles.add(equality.toDeleteFile());
      }
    }
    var append = created.newAppend();
    dataFiles.forEach(append::appendFile);
    append.commit();
    var rowDelta = created.newRowDelta();
    deleteFiles.forEach(rowDelta::addDeletes);
    rowDelta.commit();
    return created;
  }

  private static DataFile writeData(
      Table target, GenericFileWriterFactory writers, OutputFileFactory files, long firstId)
      throws IOException {
    DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), target.spec(), null);
    try (data) {
      for (long id = firstId; id < firstId + 1000; id++) {
        Record record = GenericRecord.create(target.schema());
        record.setField("id", id);
        record.setField("name", id % 10 == 0 ? null : "name-" + (id % 50));
        record.setField("qty", (int) (id % 7));
        record.setField("tags", List.of("a", "b"));
        data.write(record);
      }
    }
    return data.toDataFile();
  }

  @Test
  void readsATableWhoseFilesMixParquetAndOrcThroughOneScan() throws IOException {
    Table mixed = createTable("mixed", FileFormat.ORC, FileFormat.PARQUET, FileFormat.ORC);
    try (var tasks = mixed.newScan().planFiles()) {
      assertThat(
              java.util.stream.StreamSupport.stream(tasks.spliterator(), false)
                  .map(task -> task.file().format())
                  .distinct())
          .containsExactlyInAnyOrder(FileFormat.ORC, FileFormat.PARQUET);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (int batchSize : new int[] {1, 7, 4096}) {
      Differential.assertSameRows(
          new Differential.Case(mixed, List.of("id", "name", "qty"), null, null), batchSize);
      Differential.assertSameRows(
          new Differential.Case(
              mixed, List.of("qty", "name"), Expressions.greaterThan("id", 1500L), null),
          batchSize);
    }
    long survivors =
        java.util.stream.LongStream.range(0, 3000)
            .filter(id -> (id % 1000) % 3 != 0)
            .filter(id -> id % 10 == 0 || id % 50 != 7)
            .count();
    assertThat(Differential.floeRows(DataScan.of(mixed).select("id"), 100))
        .hasSize((int) survivors);
  }

  @Test
  void returnsTheRowsIcebergGenericsReturnsAtEveryBatchSize() {
    for (int batchSize : new int[] {1, 7, 4096, 1_000_000}) {
      Differential.assertSameRows(
          new Differential.Case(orcTable, List.of("id", "name", "qty"), null, null), batchSize);
      Differential.assertSameRows(
          new Differential.Case(
              orcTable, List.of("qty", "id"), Expressions.greaterThan("qty", 3), null),
          batchSize);
      Differential.assertSameRows(
          new Differential.Case(table, List.of("id", "name", "qty"), null, null), batchSize);
      Differential.assertSameRows(
          new Differential.Case(
              table, List.of("qty", "id"), Expressions.greaterThan("qty", 3), null),
          batchSize);
    }
  }

  @Test
  void positionsAreFilePositions() throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream =
            DataScan.of(table)
                .select("id")
                .withMetadataColumns("_pos")
                .toRecordBatches(100, allocator)) {
      long rows = 0;
      while (stream.loadNextBatch()) {
        VectorSchemaRoot root = stream.getVectorSchemaRoot();
        BigIntVector ids = (BigIntVector) root.getVector("id");
        BigIntVector pos = (BigIntVector) root.getVector("_pos");
        for (int i = 0; i < root.getRowCount(); i++) {
          assertThat(pos.get(i)).isEqualTo(ids.get(i));
          assertThat(pos.get(i) % 3).isNotZero();
        }
        rows += root.getRowCount();
      }
      assertThat(rows).isEqualTo(stream.rowsRead()).isGreaterThan(0);
    }
  }

  @Test
  void aMissingOrCorruptFileFailsTheStreamWithTableFileAndNoLeak() throws IOException {
    for (Table broken : List.of(table, orcTable)) {
      String dataFile;
      try (var tasks = broken.newScan().planFiles()) {
        dataFile = tasks.iterator().next().file().location();
      }
      java.nio.file.Path path = java.nio.file.Path.of(dataFile.replaceFirst("^file:", ""));
      byte[] original = java.nio.file.Files.readAllBytes(path);
      byte[] garbage = original.clone();
      for (int i = garbage.length / 3; i < garbage.length; i++) {
        garbage[i] = (byte) (i * 31);
      }
      java.nio.file.Files.write(path, garbage);
      assertThatThrownBy(() -> Differential.floeRows(DataScan.of(broken).select("id", "name"), 100))
          .isInstanceOf(dev.floe.FloeException.class)
          .hasMessageContaining(broken.name())
          .hasMessageContaining(dataFile);
      java.nio.file.Files.delete(path);
      assertThatThrownBy(() -> Differential.floeRows(DataScan.of(broken).select("id"), 100))
          .isInstanceOf(dev.floe.FloeException.class)
          .hasMessageContaining(broken.name())
          .hasMessageContaining(dataFile);
      java.nio.file.Files.write(path, original);
      assertThat(Differential.floeRows(DataScan.of(broken).select("id"), 100)).isNotEmpty();
    }
  }

  @Test
  void closingMidStreamReleasesEverything() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      RecordBatchStream stream =
          DataScan.of(table).select("id", "name").toRecordBatches(10, allocator);
      assertThat(stream.loadNextBatch()).isTrue();
      assertThat(allocator.getAllocatedMemory()).isPositive();
      stream.close();
      stream.close();
      assertThat(allocator.getAllocatedMemory()).isZero();
      assertThatThrownBy(stream::loadNextBatch).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void limitStopsEarly() {
    assertThat(Differential.floeRows(DataScan.of(table).select("id").limit(25), 10)).hasSize(25);
    assertThat(Differential.floeRows(DataScan.of(table).select("id").limit(0), 10)).isEmpty();
  }

  @Test
  void rejectsBadOptionsWhenTheScanIsBuilt() {
    try (BufferAllocator allocator = new RootAllocator()) {
      DataScan scan = DataScan.of(table).select("id");
      assertThatThrownBy(() -> scan.toRecordBatches(0, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid batch size: 0");
      assertThatThrownBy(() -> scan.toRecordBatches(Integer.MAX_VALUE, allocator))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> DataScan.of(table).select("nope").toRecordBatches(10, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'nope'");
      assertThatThrownBy(
              () -> DataScan.of(table).select("tags.nope").toRecordBatches(10, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'tags.nope'");
      assertThatThrownBy(
              () ->
                  scan.filter(Expressions.equal("qty", "not a number"))
                      .toRecordBatches(10, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid filter");
      assertThatThrownBy(() -> scan.useSnapshot(42L).toRecordBatches(10, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("42");
      assertThatThrownBy(() -> scan.withMetadataColumns("_nope").toRecordBatches(10, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("_file");
    }
  }
}
