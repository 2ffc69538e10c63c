package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.Warehouse;
import dev.floe.reader.MissingColumns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Columns added with an initial default (format v3) read from data files written before they
 * existed: every row of such a file holds the default, also for filters, equality deletes and type
 * promotions, in Parquet and ORC.
 *
 * <p>The expected rows are Spark's answer (Spark is the reference engine here); IcebergGenerics
 * 1.11 is wrong on these tables. Its Parquet reader prunes row groups with Iceberg's row-group
 * filters, which take a column missing from the file for all nulls, so a filter on the column drops
 * every row of the older files; its ORC reader cannot read the older files at all ("ORC cannot read
 * default value"). So the references here are written out, or are IcebergGenerics'
 * <em>unfiltered</em> rows of the Parquet table (right, and the same rows as the ORC table's) put
 * through Iceberg's {@code Evaluator} with SQL's null guards spelled out ({@link SqlSemantics}), as
 * Floe's filters have SQL's semantics.
 */
class TestInitialDefaults {
  private static final Set<FileFormat> FORMATS = Set.of(FileFormat.PARQUET, FileFormat.ORC);

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final Map<FileFormat, Table> ISSUE = new EnumMap<>(FileFormat.class);
  private static final Map<FileFormat, Table> TYPES = new EnumMap<>(FileFormat.class);

  @BeforeAll
  static void createTables() throws IOException {
    warehouse = Warehouse.hadoop(dir);
    for (FileFormat format : FORMATS) {
      ISSUE.put(format, DefaultsTables.issue(warehouse.catalog(), format));
      TYPES.put(format, DefaultsTables.everyType(warehouse.catalog(), format));
    }
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void filtersOnAColumnWithAnInitialDefaultKeepTheRowsOfOlderFiles(FileFormat format) {
    Table table = ISSUE.get(format);
    Map<Expression, Integer> expectedRows =
        Map.of(
            Expressions.alwaysTrue(), 5,
            Expressions.equal("region", "unknown"), 5,
            Expressions.notNull("region"), 5,
            Expressions.in("region", "unknown", "eu"), 5,
            Expressions.startsWith("region", "unk"), 5,
            Expressions.isNull("region"), 0,
            Expressions.notEqual("region", "unknown"), 0,
            Expressions.equal("region", "eu"), 0);
    expectedRows.forEach(
        (filter, count) -> {
          for (int batchSize : new int[] {1, 4096}) {
            List<String> rows = Differential.floeRows(DataScan.of(table).filter(filter), batchSize);
            assertThat(rows)
                .as("%s filter %s batchSize %d", table.name(), filter, batchSize)
                .hasSize(count)
                .allMatch(row -> row.endsWith("|region=s'unknown'|"));
          }
        });
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void filterOnlyColumnWithAnInitialDefaultKeepsTheRowsOfOlderFiles(FileFormat format) {
    Table table = ISSUE.get(format);
    List<String> rows =
        Differential.floeRows(
            DataScan.of(table).select("id").filter(Expressions.equal("region", "unknown")), 3);
    assertThat(rows)
        .as(table.name())
        .containsExactly("id=l0|", "id=l1|", "id=l2|", "id=l3|", "id=l4|");
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void aProjectionOfOnlyDefaultedColumnsReadsNothingButTheRowCount(FileFormat format) {
    Table table = ISSUE.get(format);
    List<String> rows =
        Differential.floeRows(
            DataScan.of(table).select("region", "_pos").filter(Expressions.notNull("region")), 2);
    assertThat(rows)
        .as(table.name())
        .containsExactly(
            "region=s'unknown'|_pos=l0|",
            "region=s'unknown'|_pos=l1|",
            "region=s'unknown'|_pos=l2|",
            "region=s'unknown'|_pos=l3|",
            "region=s'unknown'|_pos=l4|");
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void olderRowsReadTheDefaultOfEveryTypeConvertedToThePromotedType(FileFormat format) {
    List<String> rows =
        Differential.floeRows(
            DataScan.of(TYPES.get(format)).filter(Expressions.equal("id", 0L)), 10);

    // id 0 comes from the first file, written before any of these columns existed; i was an int
    // (42), fl a float (0.1f) and dec a decimal(9, 2) when they were added.
    assertThat(rows)
        .containsExactly(
            "id=l0|name=s'old-0'|region=s'unknown'|b=true|i=l42|l=l1099511627776|fl=d"
                + Long.toHexString(Double.doubleToRawLongBits(0.1f))
                + "|d=d"
                + Long.toHexString(Double.doubleToRawLongBits(-0.25))
                + "|dt=date19782|tm=time45296789012|ts=ts1704164645678901"
                + "|tstz=ts1704164645678901|tsns=ts1704164645678901234|dec=dec12.34|s=s''"
                + "|u=u"
                + DefaultsTables.UUID_DEFAULT
                + "|fx=bcafebabe|bin=b00ff|req=i7|");
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void projectionsFiltersAndDeletesOnDefaultedColumnsMatchTheEvaluatedReference(FileFormat format) {
    Table table = TYPES.get(format);
    Table reference = TYPES.get(FileFormat.PARQUET);
    for (List<String> columns : projections()) {
      for (Expression filter : DefaultsTables.FILTERS) {
        Differential.Case scanCase = new Differential.Case(table, columns, filter, null);
        Differential.Case referenceCase = new Differential.Case(reference, columns, filter, null);
        List<String> expected =
            Differential.evaluatedRows(
                referenceCase, Differential.outputSchema(referenceCase.floeScan()));
        for (int batchSize : columns == null ? new int[] {1, 4096} : new int[] {7}) {
          assertThat(Differential.floeRows(scanCase.floeScan(), batchSize))
              .as("%s batchSize=%d", scanCase, batchSize)
              .isEqualTo(expected);
        }
      }
    }
  }

  private static List<List<String>> projections() {
    List<List<String>> projections = new ArrayList<>();
    projections.add(null);
    projections.add(List.of("id"));
    projections.add(List.of("region", "i", "id"));
    return projections;
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void equalityDeletesMatchTheDefaultOfOlderFiles(FileFormat format) {
    List<String> ids =
        Differential.floeRows(
            DataScan.of(TYPES.get(format))
                .select("id", "region")
                .filter(Expressions.lessThan("id", 4L)),
            10);

    // The deletes hold (1, 'unknown') and (2, 'eu'): row 1 reads 'unknown', row 2 too.
    assertThat(ids)
        .containsExactly(
            "id=l0|region=s'unknown'|", "id=l2|region=s'unknown'|", "id=l3|region=s'unknown'|");
  }

  @Test
  void planningKeepsOlderFilesAndTheMetricsThatTellThemApart() throws IOException {
    for (Table table : TYPES.values()) {
      DataScan scan = DataScan.of(table).filter(Expressions.equal("region", "unknown"));
      List<Set<Integer>> mayLack = new ArrayList<>();
      try (CloseableIterable<FileScanTask> tasks =
          ScanPlan.create(table, scan.options(), 10).planFiles()) {
        for (FileScanTask task : tasks) {
          mayLack.add(MissingColumns.mayLack(table.schema(), task.file()));
        }
      }
      Set<Integer> everyDefault = DefaultsTables.defaultedIds(table.schema());
      // The older file's metrics cannot show the defaulted columns; the newer files' show all
      // but 's', written with metrics mode 'none'.
      int s = table.schema().findField("s").fieldId();
      assertThat(mayLack)
          .as(table.name())
          .containsExactlyInAnyOrder(everyDefault, Set.of(s), Set.of(s));
    }
  }

  @Test
  void orcFilesWithoutFieldIdsResolveDefaultedColumnsThroughTheNameMapping() throws IOException {
    Table table = DefaultsTables.nameMappedOrc(warehouse.catalog());

    List<String> rows = Differential.floeRows(DataScan.of(table), 10);
    List<String> filtered =
        Differential.floeRows(DataScan.of(table).filter(Expressions.equal("region", "eu")), 10);

    // File 1 (id, name) predates 'region'; file 2 (id, name, region) stores it by name.
    assertThat(rows)
        .containsExactly(
            "id=l0|name=s'a'|region=s'unknown'|",
            "id=l1|name=s'b'|region=s'unknown'|",
            "id=l2|name=s'c'|region=s'eu'|",
            "id=l3|name=s'd'|region=null|");
    assertThat(filtered).containsExactly("id=l2|name=s'c'|region=s'eu'|");
  }
}
