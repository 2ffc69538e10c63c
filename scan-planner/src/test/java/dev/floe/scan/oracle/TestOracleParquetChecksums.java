package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.FloeException;
import dev.floe.io.MetadataTables;
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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's Parquet files carry page CRCs, and Floe checks them also when a table is read from where
 * it was copied to (through the prefix-mapping FileIO): the Spark-written table reads completely
 * with every page checked, and a page damaged in a copy of it fails the read, naming the file.
 */
class TestOracleParquetChecksums {
  private static final String TABLE = "v2_parquet_posdel";

  @TempDir Path copy;

  @Test
  void sparkPageChecksumsAreCheckedInARelocatedCopy() throws IOException {
    Oracle oracle = Oracle.load(TABLE);
    Path tables = copy.resolve("tables");
    copyTree(oracle.tablesDir().resolve("db/" + TABLE), tables.resolve("db/" + TABLE));
    Table table =
        MetadataTables.loadTable(
            oracle.meta().get("current_metadata_file").asText(),
            Map.of(Oracle.ORIGINAL_ROOT, tables.toString()));
    long rows = oracle.meta().get("row_count").asLong();
    assertThat(count(table)).as("rows of the undamaged copy, every page checked").isEqualTo(rows);

    String dataFile = firstDataFile(table);
    Path local = Path.of(dataFile.replace(Oracle.ORIGINAL_ROOT, tables.toString()));
    ColumnChunkMetaData chunk;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(local.toString()), new Configuration()))) {
      chunk =
          reader.getFooter().getBlocks().get(0).getColumns().stream()
              .filter(column -> column.getPath().toDotString().equals("value"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(local);
    bytes[Math.toIntExact(chunk.getStartingPos() + chunk.getTotalSize() / 2)] ^= 0x10;
    Files.write(local, bytes);

    assertThatThrownBy(() -> count(table))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining(dataFile)
        .hasMessageContaining("row group at row 0")
        .hasMessageContaining("CRC");
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  private static long count(Table table) {
    long rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = DataScan.of(table).toRecordBatches(1000, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        rows += batch.getRowCount();
      }
    }
    return rows;
  }

  private static String firstDataFile(Table table) throws IOException {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      List<String> locations = new ArrayList<>();
      tasks.forEach(task -> locations.add(task.file().location()));
      return locations.stream().sorted().findFirst().orElseThrow();
    }
  }
}
