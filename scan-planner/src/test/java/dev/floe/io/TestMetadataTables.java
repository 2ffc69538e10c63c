package dev.floe.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table written in one directory, moved to another, and read where it now lies through the prefix
 * mapping, position deletes included (they name data files by their original paths).
 */
class TestMetadataTables {
  private static final Schema SCHEMA =
      new Schema(Types.NestedField.required(1, "id", Types.LongType.get()));

  @TempDir Path dir;
  private String originalLocation;
  private String metadataLocation;
  private Path moved;

  @BeforeEach
  void writeAndMoveTable() throws IOException {
    originalLocation = dir.resolve("original/t").toString();
    Table table =
        new HadoopTables(new Configuration())
            .create(
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "2"),
                originalLocation);
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(SCHEMA)
            .deleteFileFormat(FileFormat.PARQUET)
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).build();
    DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    try (data) {
      for (long id = 0; id < 100; id++) {
        Record record = GenericRecord.create(SCHEMA);
        record.setField("id", id);
        data.write(record);
      }
    }
    DataFile dataFile = data.toDataFile();
    table.newAppend().appendFile(dataFile).commit();
    PositionDeleteWriter<Record> positions =
        writers.newPositionDeleteWriter(files.newOutputFile(), table.spec(), null);
    try (positions) {
      PositionDelete<Record> delete = PositionDelete.create();
      for (long pos = 0; pos < 100; pos += 2) {
        positions.write(delete.set(dataFile.location(), pos));
      }
    }
    table.newRowDelta().addDeletes(positions.toDeleteFile()).commit();
    metadataLocation = ((HasTableOperations) table).operations().current().metadataFileLocation();
    assertThat(metadataLocation).startsWith(originalLocation);

    moved = dir.resolve("moved/t");
    copyTree(Path.of(originalLocation), moved);
    deleteTree(dir.resolve("original"));
  }

  @Test
  void readsAMovedTableWithItsDeletes() throws IOException {
    Table table =
        MetadataTables.loadTable(metadataLocation, Map.of(originalLocation, moved.toString()));
    assertThat(table.location()).isEqualTo(originalLocation);
    assertThat(table.io()).isInstanceOf(PrefixMappingFileIO.class);

    List<Long> generic = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> generic.add((Long) record.getField("id")));
    }
    assertThat(generic).hasSize(50).allMatch(id -> id % 2 == 1);

    List<Long> floe = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = DataScan.of(table).toRecordBatches(16, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int row = 0; row < batch.getRowCount(); row++) {
          floe.add(ids.get(row));
        }
      }
    }
    assertThat(floe).containsExactlyInAnyOrderElementsOf(generic);

    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().location()).startsWith(originalLocation);
        assertThat(task.deletes()).hasSize(1);
      }
    }
  }

  @Test
  void theMetadataLocationMayAlreadyBeTheMappedOne() {
    String mappedMetadata = moved + metadataLocation.substring(originalLocation.length());
    Table table =
        MetadataTables.loadTable(mappedMetadata, Map.of(originalLocation, moved.toString()));
    assertThat(table.currentSnapshot()).isNotNull();
  }

  @Test
  void isReadOnly() {
    Table table =
        MetadataTables.loadTable(metadataLocation, Map.of(originalLocation, moved.toString()));
    assertThatThrownBy(() -> table.updateProperties().set("k", "v").commit())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void failsOnLoadWhenTheMetadataIsMissing() {
    assertThatThrownBy(() -> MetadataTables.loadTable(metadataLocation, Map.of()))
        .hasMessageContaining(metadataLocation);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> all = new ArrayList<>();
      paths.forEach(all::add);
      for (int i = all.size() - 1; i >= 0; i--) {
        Files.delete(all.get(i));
      }
    }
  }
}
