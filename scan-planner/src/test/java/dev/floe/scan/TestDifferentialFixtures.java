package dev.floe.scan;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fixture table, in Parquet and ORC, read by Floe and by IcebergGenerics: several projections
 * × filters (on partition columns, on columns not projected, on promoted and evolved columns) ×
 * batch sizes {1, 7, 4096, 1,000,000} × every snapshot. Rows must be equal; every batch holds
 * 1..batchSize rows; every allocator closes without a leak.
 */
class TestDifferentialFixtures {
  private static final int[] BATCH_SIZES = {1, 7, 4096, 1_000_000};
  private static final long ROWS = 2_000;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<Table> TABLES = new ArrayList<>();

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    Catalog catalog = warehouse.catalog();
    FixtureOptions small = FixtureOptions.defaults().withRows(ROWS).withRowGroupBytes(8 * 1024);
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      String suffix = "_" + format.name().toLowerCase();
      FixtureOptions options = small.withFormat(format);
      TABLES.add(
          Fixtures.allTypes(catalog, TableIdentifier.of("db", "all_types" + suffix), options));
      TABLES.add(
          Fixtures.deletes(catalog, TableIdentifier.of("db", "deletes_v2" + suffix), options));
      TABLES.add(
          Fixtures.deletes(
              catalog,
              TableIdentifier.of("db", "deletes_v3" + suffix),
              options.withFormatVersion(3)));
      TABLES.add(
          Fixtures.evolution(catalog, TableIdentifier.of("db", "evolution" + suffix), options));
    }
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @TestFactory
  Stream<DynamicTest> projectionsFiltersAndBatchSizesMatchIcebergGenerics() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Table table : TABLES) {
      for (List<String> columns : projections(table)) {
        for (Expression filter : filters(table)) {
          Differential.Case scanCase = new Differential.Case(table, columns, filter, null);
          tests.add(
              DynamicTest.dynamicTest(
                  scanCase.toString(),
                  () -> {
                    for (int batchSize : BATCH_SIZES) {
                      Differential.assertSameRows(scanCase, batchSize);
                    }
                  }));
        }
      }
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> everySnapshotMatchesIcebergGenerics() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Table table : TABLES) {
      for (Snapshot snapshot : table.snapshots()) {
        Differential.Case scanCase =
            new Differential.Case(table, null, null, snapshot.snapshotId());
        tests.add(
            DynamicTest.dynamicTest(
                scanCase.toString(), () -> Differential.assertSameRows(scanCase, 500)));
      }
    }
    return tests.stream();
  }

  private static List<List<String>> projections(Table table) {
    List<String> names = table.schema().columns().stream().map(Types.NestedField::name).toList();
    List<String> reversedPair = List.of(names.get(names.size() - 1), names.get(0));
    return Arrays.asList(null, reversedPair, List.of(names.get(1)));
  }

  private static List<Expression> filters(Table table) {
    List<Expression> filters = new ArrayList<>();
    filters.add(null);
    filters.add(Expressions.lessThan("id", 700L));
    String name = table.name();
    if (name.contains("deletes")) {
      filters.add(Expressions.equal("category", "beta"));
      filters.add(Expressions.isNull("category"));
      filters.add(Expressions.lessThan("qty", 100));
      filters.add(Expressions.or(Expressions.isNull("name"), Expressions.greaterThan("qty", 900)));
    } else if (name.contains("all_types")) {
      filters.add(Expressions.greaterThan("d", 0.5));
      filters.add(Expressions.isNull("s"));
      filters.add(Expressions.startsWith("s", "a"));
      filters.add(Expressions.notEqual("b", true));
    } else if (name.contains("evolution")) {
      filters.add(Expressions.greaterThan("a", 5L));
      filters.add(Expressions.notNull("drop_me"));
      filters.add(Expressions.isNull("added"));
      filters.add(Expressions.startsWith("full_name", "n"));
    }
    return filters;
  }
}
