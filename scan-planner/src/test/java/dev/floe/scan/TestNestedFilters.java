package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters on fields nested in structs, on the nested fixture table (Parquet and ORC, position
 * deletes or deletion vectors, equality deletes on {@code id} and on {@code st.a}), with the
 * filtered column selected whole, selected in part (another field of the same struct) or not
 * selected at all. The reference evaluates the filter with SQL's semantics on IcebergGenerics'
 * whole rows (a field of a null struct is null), since IcebergGenerics' own filtering is wrong
 * here; the rows it keeps are then IcebergGenerics' rows of the same selection.
 */
class TestNestedFilters {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<Table> TABLES = new ArrayList<>();

  private record Filter(String text, Expression expression, Predicate<Record> reference) {}

  private static final List<Filter> FILTERS =
      List.of(
          new Filter(
              "st.a > 3", Expressions.greaterThan("st.a", 3), row -> a(row) != null && a(row) > 3),
          new Filter(
              "not(st.a < 10)",
              Expressions.not(Expressions.lessThan("st.a", 10)),
              row -> a(row) != null && a(row) >= 10),
          new Filter("st IS NULL", Expressions.isNull("st"), row -> row.getField("st") == null),
          new Filter(
              "st IS NOT NULL", Expressions.notNull("st"), row -> row.getField("st") != null),
          new Filter("st.inner.x IS NULL", Expressions.isNull("st.inner.x"), row -> x(row) == null),
          new Filter(
              "st.a IS NULL OR id < 50",
              Expressions.or(Expressions.isNull("st.a"), Expressions.lessThan("id", 50L)),
              row -> a(row) == null || (Long) row.getField("id") < 50),
          new Filter(
              "st.inner.x >= 0 AND st.a != 7",
              Expressions.and(
                  Expressions.greaterThanOrEqual("st.inner.x", 0.0),
                  Expressions.notEqual("st.a", 7)),
              row -> x(row) != null && x(row) >= 0 && a(row) != null && a(row) != 7));

  private static final List<List<String>> SELECTIONS =
      List.of(
          List.of("id"),
          List.of("id", "st.inner.x"),
          List.of("st.b", "id"),
          List.of("st", "id", "tags"),
          List.of("id", "st.inner.y", "props"));

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions small = FixtureOptions.defaults().withRows(1_200).withRowGroupBytes(16 * 1024);
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      for (int version : new int[] {2, 3}) {
        String name = "nested_v" + version + "_" + format.name().toLowerCase();
        TABLES.add(
            Fixtures.nested(
                warehouse.catalog(),
                TableIdentifier.of("db", name),
                small.withFormat(format).withFormatVersion(version)));
      }
    }
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @TestFactory
  Stream<DynamicTest> nestedFiltersMatchSqlOnTheWholeRow() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Table table : TABLES) {
      for (Filter filter : FILTERS) {
        tests.add(
            DynamicTest.dynamicTest(
                table.name() + " WHERE " + filter.text(), () -> check(table, filter)));
      }
    }
    return tests.stream();
  }

  private static void check(Table table, Filter filter) {
    List<Record> kept = new ArrayList<>();
    for (Record row : records(table)) {
      if (filter.reference().test(row)) {
        kept.add(row);
      }
    }
    assertThat(kept).as("rows matching %s (the test must select some)", filter.text()).isNotEmpty();
    for (List<String> columns : SELECTIONS) {
      DataScan scan = DataScan.of(table).select(columns.toArray(new String[0]));
      Schema output = Differential.outputSchema(scan);
      List<String> expected = new ArrayList<>();
      for (Record row : kept) {
        StringBuilder line = new StringBuilder();
        for (Types.NestedField field : output.columns()) {
          line.append(field.name()).append('=');
          Object value = project(row.getField(field.name()), field.type());
          line.append(NestedRows.fromGeneric(value, field.type())).append('|');
        }
        expected.add(line.toString());
      }
      Collections.sort(expected);
      for (int batchSize : new int[] {7, 4096}) {
        List<String> actual = NestedRows.floe(scan.filter(filter.expression()), batchSize);
        assertThat(actual)
            .as(
                "%s select %s WHERE %s, batch size %d",
                table.name(), columns, filter.text(), batchSize)
            .isEqualTo(expected);
      }
    }
  }

  /** A whole value cut down to {@code type}, a pruned version of its own type. */
  @SuppressWarnings("unchecked")
  private static Object project(Object value, Type type) {
    if (value == null) {
      return null;
    }
    switch (type.typeId()) {
      case STRUCT:
        Record whole = (Record) value;
        Record part = GenericRecord.create(type.asStructType());
        for (Types.NestedField field : type.asStructType().fields()) {
          part.setField(field.name(), project(whole.getField(field.name()), field.type()));
        }
        return part;
      case LIST:
        List<Object> elements = new ArrayList<>();
        for (Object element : (List<Object>) value) {
          elements.add(project(element, type.asListType().elementType()));
        }
        return elements;
      case MAP:
        Map<Object, Object> entries = new LinkedHashMap<>();
        ((Map<Object, Object>) value)
            .forEach((k, v) -> entries.put(k, project(v, type.asMapType().valueType())));
        return entries;
      default:
        return value;
    }
  }

  private static List<Record> records(Table table) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(row -> rows.add(row.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static Integer a(Record row) {
    Record st = (Record) row.getField("st");
    return st == null ? null : (Integer) st.getField("a");
  }

  private static Double x(Record row) {
    Record st = (Record) row.getField("st");
    Record inner = st == null ? null : (Record) st.getField("inner");
    return inner == null ? null : (Double) inner.getField("x");
  }
}
