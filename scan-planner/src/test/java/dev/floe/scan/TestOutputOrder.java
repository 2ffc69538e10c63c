package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Columns come in the order {@code select} names them, metadata columns included, and the rows of a
 * snapshot come in the same order on every run (Iceberg plans manifests in parallel by default).
 */
class TestOutputOrder {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table table;

  @BeforeAll
  static void createTable() {
    warehouse = Warehouse.hadoop(dir);
    table =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "order"),
            FixtureOptions.defaults().withRows(3_000));
    // more manifests: every file appended again in its own commit
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (DataFile file : files) {
      table.newFastAppend().appendFile(file).commit();
    }
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void metadataColumnsKeepTheirPlaceInTheSelection() {
    for (int parallelism : new int[] {1, 3}) {
      DataScan mixed =
          DataScan.of(table).select("_pos", "id", "_file", "note").parallelism(parallelism);
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream = mixed.toRecordBatches(100, allocator)) {
        assertThat(stream.icebergSchema().columns())
            .extracting(Types.NestedField::name)
            .containsExactly("_pos", "id", "_file", "note");
        assertThat(stream.getVectorSchemaRoot().getSchema().getFields())
            .extracting(Field::getName)
            .containsExactly("_pos", "id", "_file", "note");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      // the same values as the data-first order, column by column
      List<String> expected =
          reordered(
              Differential.floeRows(DataScan.of(table).select("id", "note", "_file", "_pos"), 100));
      assertThat(Differential.floeRows(mixed, 100)).isEqualTo(expected);
    }
    DataScan appended = DataScan.of(table).select("_spec_id", "id").withMetadataColumns("_pos");
    assertThat(Differential.outputSchema(appended).columns())
        .extracting(Types.NestedField::name)
        .containsExactly("_spec_id", "id", "_pos");
  }

  @Test
  void splitsKeepTheOrderOfTheSelection() throws Exception {
    DataScan mixed = DataScan.of(table).select("_pos", "id", "_file", "note");
    List<String> expected = Differential.floeRows(mixed, 100);
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<ScanSplit> splits = mixed.planSplits(1);
        BufferAllocator allocator = new RootAllocator()) {
      for (ScanSplit planned : splits) {
        ScanSplit split = ScanSplit.fromJson(planned.toJson());
        try (RecordBatchStream stream = split.open(table, 100, allocator)) {
          assertThat(stream.getVectorSchemaRoot().getSchema().getFields())
              .extracting(Field::getName)
              .containsExactly("_pos", "id", "_file", "note");
          Schema schema = stream.icebergSchema();
          for (VectorSchemaRoot batch : stream) {
            rows.addAll(Rows.fromBatch(batch, schema));
          }
        }
      }
    }
    rows.sort(null);
    assertThat(rows).isEqualTo(expected);
  }

  @Test
  void aSnapshotIsReadInTheSameOrderEveryTime() throws Exception {
    assertThat(table.currentSnapshot().dataManifests(table.io()).size()).isGreaterThan(4);
    List<String> first = rowsInOrder();
    for (int run = 0; run < 15; run++) {
      assertThat(rowsInOrder()).as("run %d", run).isEqualTo(first);
    }
  }

  private static List<String> rowsInOrder() throws Exception {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream =
            DataScan.of(table).select("id", "_file", "_pos").toRecordBatches(1_000, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        rows.addAll(Rows.fromBatch(batch, schema));
      }
    }
    return rows;
  }

  /** Rows of {@code id|note|_file|_pos} texts rewritten as {@code _pos|id|_file|note}, sorted. */
  private static List<String> reordered(List<String> rows) {
    List<String> result = new ArrayList<>();
    for (String row : rows) {
      String[] cells = row.split("\\|");
      result.add(cells[3] + "|" + cells[0] + "|" + cells[2] + "|" + cells[1] + "|");
    }
    result.sort(null);
    return result;
  }
}
