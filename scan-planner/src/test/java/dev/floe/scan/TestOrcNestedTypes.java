package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nested columns in ORC (struct, list, map at any depth) read by Floe and by IcebergGenerics, value
 * by value: the fixtures' nested table with every delete kind (v2 position deletes and equality
 * deletes, one keyed on a field inside a struct; v3 deletion vectors) and its nested schema
 * evolution, at batch sizes {1, 7, 4096, 1,000,000}. Every batch holds 1..batchSize rows and passes
 * Arrow's {@code validateFull}; every allocator closes without a leak ({@link
 * NestedRowText#floeRows}).
 */
class TestOrcNestedTypes {
  private static final int[] BATCH_SIZES = {1, 7, 4096, 1_000_000};
  private static final long ROWS = 3_000;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<Table> NESTED = new ArrayList<>();
  private static Table evolutionV2;
  private static Table evolutionV3;
  private static Table evolutionV3Parquet;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    Catalog catalog = warehouse.catalog();
    // Small stripes, so files have several, and ORC row batches end inside Arrow batches.
    FixtureOptions orc =
        FixtureOptions.defaults()
            .withRows(ROWS)
            .withFormat(FileFormat.ORC)
            .withRowGroupBytes(32 * 1024);
    for (int version : new int[] {2, 3}) {
      NESTED.add(
          Fixtures.nested(
              catalog,
              TableIdentifier.of("db", "nested_v" + version),
              orc.withFormatVersion(version)));
    }
    FixtureOptions evolution = orc.withRows(1_600).withFilesPerPartition(1);
    evolutionV2 =
        Fixtures.nestedEvolution(
            catalog, TableIdentifier.of("db", "nested_evolution_v2"), evolution);
    evolutionV3 =
        Fixtures.nestedEvolution(
            catalog,
            TableIdentifier.of("db", "nested_evolution_v3"),
            evolution.withFormatVersion(3));
    evolutionV3Parquet =
        Fixtures.nestedEvolution(
            catalog,
            TableIdentifier.of("db", "nested_evolution_v3_parquet"),
            evolution.withFormatVersion(3).withFormat(FileFormat.PARQUET));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @TestFactory
  Stream<DynamicTest> nestedTableWithEveryDeleteKindEqualsGenerics() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Table table : NESTED) {
      List<String> expected =
          NestedRowText.genericRows(IcebergGenerics.read(table), table.schema());
      for (int batchSize : BATCH_SIZES) {
        tests.add(
            DynamicTest.dynamicTest(
                table.name() + " batch " + batchSize,
                () -> {
                  assertThat(expected).hasSizeGreaterThan((int) ROWS / 2);
                  NestedRowText.assertSameRows(
                      NestedRowText.floeRows(DataScan.of(table), batchSize), expected);
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> nestedProjectionsEqualGenerics() {
    List<List<String>> projections =
        List.of(
            List.of("id", "st.inner.y", "m_struct"),
            List.of("deep", "id"),
            List.of("id", "st.a", "items", "misc.ts", "times"),
            List.of("ll", "req_list", "id", "props"));
    List<DynamicTest> tests = new ArrayList<>();
    for (Table table : NESTED) {
      for (List<String> columns : projections) {
        tests.add(
            DynamicTest.dynamicTest(
                table.name() + " " + columns,
                () -> {
                  Schema projected = table.schema().select(columns);
                  // The whole rows, projected as text: IcebergGenerics with select() drops rows
                  // when the projection lacks the equality delete's nested key (st.a).
                  List<String> expected =
                      NestedRowText.genericRows(IcebergGenerics.read(table), projected);
                  DataScan scan = DataScan.of(table).select(columns.toArray(new String[0]));
                  // Floe orders columns as selected; compare by the projection's own order.
                  List<String> actual = floeRowsInSchemaOrder(scan, 7, projected);
                  NestedRowText.assertSameRows(actual, expected);
                }));
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> nestedEvolutionEqualsGenerics() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> expected =
        NestedRowText.genericRows(IcebergGenerics.read(evolutionV2), evolutionV2.schema());
    for (int batchSize : BATCH_SIZES) {
      tests.add(
          DynamicTest.dynamicTest(
              "v2 batch " + batchSize,
              () ->
                  NestedRowText.assertSameRows(
                      NestedRowText.floeRows(DataScan.of(evolutionV2), batchSize), expected)));
    }
    return tests.stream();
  }

  /**
   * At v3 a field added inside a struct has an initial default, which Iceberg 1.11's ORC reader
   * cannot read from older files; the same rows written to Parquet (the fixture's values depend
   * only on seed, id and schema) read by IcebergGenerics are the reference.
   */
  @TestFactory
  Stream<DynamicTest> nestedInitialDefaultsReadFromOlderOrcFiles() {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> expected =
        NestedRowText.genericRows(
            IcebergGenerics.read(evolutionV3Parquet), evolutionV3Parquet.schema());
    for (int batchSize : BATCH_SIZES) {
      tests.add(
          DynamicTest.dynamicTest(
              "v3 batch " + batchSize,
              () ->
                  NestedRowText.assertSameRows(
                      NestedRowText.floeRows(DataScan.of(evolutionV3), batchSize), expected)));
    }
    return tests.stream();
  }

  /**
   * Filters on fields inside structs, also when the struct is not selected, with ORC's stripe and
   * row-group pruning on nested columns: against the whole rows filtered here with SQL's semantics
   * (a field inside a null struct is null; comparisons never match null), since IcebergGenerics'
   * own evaluation fails or is wrong on null structs.
   */
  @TestFactory
  Stream<DynamicTest> filtersOnNestedFieldsKeepExactlyTheMatchingRows() {
    Map<String, Expression> filters = new LinkedHashMap<>();
    Map<String, Predicate<Record>> reference = new LinkedHashMap<>();
    filters.put("st.a > 3", Expressions.greaterThan("st.a", 3));
    reference.put("st.a > 3", row -> field(row, "st", "a") instanceof Integer a && a > 3);
    filters.put("st.inner.x IS NULL", Expressions.isNull("st.inner.x"));
    reference.put("st.inner.x IS NULL", row -> field(row, "st", "inner", "x") == null);
    filters.put("st IS NULL", Expressions.isNull("st"));
    reference.put("st IS NULL", row -> row.getField("st") == null);
    filters.put("misc.d < 1990-01-01", Expressions.lessThan("misc.d", "1990-01-01"));
    reference.put(
        "misc.d < 1990-01-01",
        row ->
            field(row, "misc", "d") instanceof LocalDate d && d.isBefore(LocalDate.of(1990, 1, 1)));
    List<DynamicTest> tests = new ArrayList<>();
    Table table = NESTED.get(0);
    List<Record> all = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> all.add(record.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Schema ids = table.schema().select("id");
    for (Map.Entry<String, Expression> filter : filters.entrySet()) {
      List<String> expectedRows = new ArrayList<>();
      List<String> expectedIds = new ArrayList<>();
      for (Record record : all) {
        if (reference.get(filter.getKey()).test(record)) {
          expectedRows.add(NestedRowText.fromRecord(record, table.schema()));
          expectedIds.add(NestedRowText.fromRecord(record, ids));
        }
      }
      expectedRows.sort(null);
      expectedIds.sort(null);
      tests.add(
          DynamicTest.dynamicTest(
              filter.getKey(),
              () -> {
                assertThat(expectedIds).isNotEmpty().hasSizeLessThan(all.size());
                NestedRowText.assertSameRows(
                    NestedRowText.floeRows(DataScan.of(table).filter(filter.getValue()), 7),
                    expectedRows);
                NestedRowText.assertSameRows(
                    NestedRowText.floeRows(
                        DataScan.of(table).select("id").filter(filter.getValue()), 4096),
                    expectedIds);
              }));
    }
    return tests.stream();
  }

  private static Object field(Record row, String... path) {
    Object value = row;
    for (String name : path) {
      if (value == null) {
        return null;
      }
      value = ((Record) value).getField(name);
    }
    return value;
  }

  @Test
  void defaultedNestedFieldReadsItsDefaultFromOlderFiles() {
    List<String> rows = NestedRowText.floeRows(DataScan.of(evolutionV3).select("id", "s"), 100);
    assertThat(rows).anyMatch(row -> row.contains("region=s'unknown'"));
    assertThat(rows).anyMatch(row -> row.contains("region=null"));
    assertThat(rows).anyMatch(row -> row.contains("region=s'"));
  }

  private static List<String> floeRowsInSchemaOrder(DataScan scan, int batchSize, Schema order) {
    List<String> rows = new ArrayList<>();
    for (String row : NestedRowText.floeRows(scan, batchSize)) {
      rows.add(reorder(row, order));
    }
    rows.sort(null);
    return rows;
  }

  /** The row text's top-level columns in {@code order}'s order. */
  private static String reorder(String row, Schema order) {
    StringBuilder result = new StringBuilder();
    for (var column : order.columns()) {
      String prefix = column.name() + "=";
      int depth = 0;
      int start = -1;
      // find "name=" at top level: the start of the row or right after a top-level '|'
      for (int i = 0; i < row.length(); i++) {
        if ((i == 0 || (row.charAt(i - 1) == '|' && depth == 0)) && row.startsWith(prefix, i)) {
          start = i;
          break;
        }
        char c = row.charAt(i);
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
        }
      }
      int end = row.indexOf('|', start);
      while (end >= 0 && !balanced(row.substring(start, end))) {
        end = row.indexOf('|', end + 1);
      }
      result.append(row, start, end + 1);
    }
    return result.toString();
  }

  private static boolean balanced(String text) {
    int depth = 0;
    for (char c : text.toCharArray()) {
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return depth == 0;
  }
}
