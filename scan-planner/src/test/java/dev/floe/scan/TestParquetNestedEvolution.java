package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Schema evolution inside nested columns, by field id, over Parquet files written before and after
 * it: nested fields added (null, or their initial default in format v3, from older files; a nested
 * struct none of whose fields an older file has), dropped, renamed and reordered; nested primitives
 * promoted (int → long in a struct field, a list element and a map value; float → double; decimal
 * widening). Also a table written with V2 data pages (delta encodings), read value by value.
 * Compared with IcebergGenerics value by value.
 */
class TestParquetNestedEvolution {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table evolved;
  private static Table pagesV2;

  private static final Schema FIRST =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(
              2,
              "st",
              Types.StructType.of(
                  Types.NestedField.optional(3, "a", Types.IntegerType.get()),
                  Types.NestedField.optional(4, "f", Types.FloatType.get()),
                  Types.NestedField.optional(5, "d", Types.DecimalType.of(9, 2)),
                  Types.NestedField.optional(6, "s", Types.StringType.get()))),
          Types.NestedField.optional(
              7, "li", Types.ListType.ofOptional(8, Types.IntegerType.get())),
          Types.NestedField.optional(
              9,
              "mv",
              Types.MapType.ofOptional(10, 11, Types.StringType.get(), Types.IntegerType.get())),
          Types.NestedField.optional(
              12,
              "ls",
              Types.ListType.ofOptional(
                  13,
                  Types.StructType.of(
                      Types.NestedField.optional(14, "x", Types.IntegerType.get()),
                      Types.NestedField.optional(15, "y", Types.StringType.get())))));

  @BeforeAll
  static void createTables() throws IOException {
    warehouse = Warehouse.hadoop(dir);
    evolved =
        warehouse
            .catalog()
            .createTable(
                TableIdentifier.of("db", "evolved"),
                FIRST,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "3"));
    Random random = new Random(7);
    NestedTables.append(evolved, rows(evolved, 0, 700, random));
    evolved
        .updateSchema()
        .updateColumn("st.a", Types.LongType.get())
        .updateColumn("st.f", Types.DoubleType.get())
        .updateColumn("st.d", Types.DecimalType.of(18, 2))
        .updateColumn("li.element", Types.LongType.get())
        .updateColumn("mv.value", Types.LongType.get())
        .addColumn("st", "n", Types.StringType.get())
        .addColumn("st", "k", Types.IntegerType.get(), Literal.of(7))
        .addColumn(
            "st",
            "sub",
            Types.StructType.of(Types.NestedField.optional(100, "q", Types.IntegerType.get())))
        .renameColumn("st.s", "s2")
        .moveFirst("st.s")
        .deleteColumn("ls.y")
        .addColumn("ls.element", "z", Types.LongType.get())
        .addColumn(
            "later",
            Types.StructType.of(Types.NestedField.optional(101, "w", Types.IntegerType.get())))
        .commit();
    NestedTables.append(evolved, rows(evolved, 700, 600, random));

    pagesV2 = NestedTables.create(warehouse.catalog(), "pages_v2", NestedTables.SHAPES, 0, 0, 11L);
    pagesV2.updateProperties().set("write.parquet.page-version", "v2").commit();
    pagesV2.updateProperties().set(TableProperties.PARQUET_DICT_SIZE_BYTES, "1024").commit();
    Random shapes = new Random(11);
    List<Record> v2Rows = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      v2Rows.add(NestedTables.randomRow(pagesV2.schema(), i, shapes));
    }
    NestedTables.append(pagesV2, v2Rows);
  }

  private static List<Record> rows(Table table, long first, int count, Random random) {
    List<Record> rows = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      rows.add(NestedTables.randomRow(table.schema(), id, random));
    }
    return rows;
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  @Test
  void theEvolvedSchemaIsTheOneRead() {
    Types.StructType st = evolved.schema().findField("st").type().asStructType();
    assertThat(st.fields().get(0).name()).isEqualTo("s2");
    assertThat(evolved.schema().findField("st.k").initialDefault()).isEqualTo(7);
    assertThat(evolved.snapshots()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096})
  void evolvedNestedFieldsMatchIcebergGenerics(int batchSize) {
    TestParquetNestedColumns.assertSameRows(evolved, batchSize);
    // only fields the older file lacks: st is null where that file has it null, as in Spark
    TestParquetNestedColumns.assertSameRowsAsFullRows(
        evolved, batchSize, "st.k", "st.sub", "later", "id");
    TestParquetNestedColumns.assertSameRowsAsFullRows(evolved, batchSize, "st.sub", "ls.z");
    // ls.z is not in the older file, whose ls lists (of structs of z = null) are read as it has
    // them; IcebergGenerics reads them as null
    TestParquetNestedColumns.assertSameRowsAsFullRows(evolved, batchSize, "ls.z", "mv", "li");
    TestParquetNestedColumns.assertSameRows(evolved, batchSize, "mv", "li", "st.a", "st.d");
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 4096})
  void v2DataPagesWithDeltaEncodingsMatchIcebergGenerics(int batchSize) {
    TestParquetNestedColumns.assertSameRows(pagesV2, batchSize);
  }
}
