package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nested columns of Iceberg-written Parquet files (struct, list, map at depth up to five, required
 * nested fields, null vs empty lists and maps, null elements, null structs vs structs of nulls,
 * lists of up to 1000 elements, several row groups and pages per file) against IcebergGenerics,
 * value by value, at batch sizes from 1 to 1,000,000.
 */
class TestParquetNestedColumns {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table table;

  @BeforeAll
  static void createTable() throws IOException {
    warehouse = Warehouse.hadoop(dir);
    table =
        NestedTables.create(warehouse.catalog(), "shapes", NestedTables.SHAPES, 2, 1500, 20261202L);
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  @Test
  void filesHaveSeveralRowGroups() throws IOException {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        assertThat(task.file().splitOffsets())
            .as("row groups of %s", task.file().location())
            .hasSizeGreaterThan(1);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096, 1_000_000})
  void everyColumnMatchesIcebergGenerics(int batchSize) {
    assertSameRows(table, batchSize);
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 1000})
  void nestedProjectionsMatchIcebergGenerics(int batchSize) {
    assertSameRows(table, batchSize, "id", "st.inner.x", "ms");
    assertSameRows(table, batchSize, "deep.l", "id");
    assertSameRows(table, batchSize, "st.inner.y", "ls", "req.r2");
    assertSameRows(table, batchSize, "mreq", "wide", "ll");
    assertSameRows(table, batchSize, "deep.l", "ms.value.v");
  }

  /** Floe's rows of {@code columns} (all if none) equal IcebergGenerics', value by value. */
  static void assertSameRows(Table table, int batchSize, String... columns) {
    DataScan scan = columns.length == 0 ? DataScan.of(table) : DataScan.of(table).select(columns);
    Schema output = Differential.outputSchema(scan);
    List<String> expected = NestedRows.generics(table, output, List.of(columns));
    assertSameRows(scan, batchSize, expected, columns);
  }

  /**
   * The same, against IcebergGenerics' full rows cut down to the projection: the reference when a
   * selected struct has no selected field in some file, where IcebergGenerics' projection reads the
   * struct as present in every row.
   */
  static void assertSameRowsAsFullRows(Table table, int batchSize, String... columns) {
    DataScan scan = DataScan.of(table).select(columns);
    Schema output = Differential.outputSchema(scan);
    assertSameRows(scan, batchSize, NestedRows.genericsProjected(table, output), columns);
  }

  private static void assertSameRows(
      DataScan scan, int batchSize, List<String> expected, String... columns) {
    assertThat(expected).isNotEmpty();
    List<String> actual = NestedRows.floe(scan, batchSize);
    if (!actual.equals(expected)) {
      List<String> missing = new java.util.ArrayList<>(expected);
      missing.removeAll(new java.util.HashSet<>(actual));
      List<String> extra = new java.util.ArrayList<>(actual);
      extra.removeAll(new java.util.HashSet<>(expected));
      throw new AssertionError(
          String.format(
              "%s at batchSize=%d: %d rows, expected %d; missing %s; unexpected %s",
              List.of(columns),
              batchSize,
              actual.size(),
              expected.size(),
              missing.subList(0, Math.min(3, missing.size())),
              extra.subList(0, Math.min(3, extra.size()))));
    }
  }
}
