package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.scan.DataScan;
import dev.floe.scan.NestedRows;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark-written {@code types} table, every column (its nested ones: structs of structs of
 * lists, lists of structs, maps of structs of lists, lists of lists, maps with required values,
 * with empty, null and null-element cases) read by Floe's Parquet decoder and compared value by
 * value with IcebergGenerics, which is right when no filter is involved.
 */
class TestOracleTypesNestedParquet {
  @ParameterizedTest
  @ValueSource(ints = {1000, 7})
  void everyColumnMatchesIcebergGenerics(int batchSize) {
    Table table = Oracle.load("types").table();
    DataScan scan = DataScan.of(table);
    Schema output = table.schema();
    List<String> expected = NestedRows.generics(table, output, List.of());
    assertThat(expected).hasSize(5011);
    List<String> actual = NestedRows.floe(scan, batchSize);
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("row %d", i).isEqualTo(expected.get(i));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 7})
  void nestedProjectionsMatchIcebergGenerics(int batchSize) {
    Table table = Oracle.load("types").table();
    for (List<String> columns :
        List.of(
            List.of("id", "st.inner.y", "m_complex"),
            List.of("lst", "st.b", "nested_list"),
            List.of("m_req", "li", "id"))) {
      DataScan scan = DataScan.of(table).select(columns.toArray(new String[0]));
      List<String> actual = NestedRows.floe(scan, batchSize);
      Schema output = scan.table().schema().select(columns);
      List<String> expected = NestedRows.generics(table, floeSchema(scan), columns);
      assertThat(actual).as("%s", columns).isEqualTo(expected);
      assertThat(output).isNotNull();
    }
  }

  private static Schema floeSchema(DataScan scan) {
    try (org.apache.arrow.memory.BufferAllocator allocator =
            new org.apache.arrow.memory.RootAllocator();
        dev.floe.scan.RecordBatchStream stream = scan.toRecordBatches(1, allocator)) {
      return stream.icebergSchema();
    }
  }
}
