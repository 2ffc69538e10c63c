package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A residual that a file's column statistics prove true for every row is not evaluated row by row
 * (the file reads as if unfiltered), and the rows stay those IcebergGenerics returns.
 */
class TestProvenResiduals {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(8 * 1_000L);
    parquet = Fixtures.manyFiles(warehouse.catalog(), TableIdentifier.of("db", "rp"), options, 8);
    orc =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "ro"),
            options.withFormat(FileFormat.ORC),
            8);
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void aFilterTheStatisticsProveIsDroppedPerFile() {
    for (Table table : List.of(parquet, orc)) {
      assertThat(residuals(table, Expressions.greaterThanOrEqual("id", 0)))
          .as(table.name())
          .hasSize(8)
          .allMatch(residual -> residual.op() == Expression.Operation.TRUE);
      // each file holds a range of ids: the file [4000, 5000) must be filtered, the later ones not
      List<Expression> residuals = residuals(table, Expressions.greaterThanOrEqual("id", 4_500));
      assertThat(residuals).hasSize(4);
      assertThat(residuals.stream().filter(r -> r.op() == Expression.Operation.TRUE)).hasSize(3);
      // s has no nulls, v is spread over [0, 1M) in every file
      assertThat(residuals(table, Expressions.notNull("s")))
          .allMatch(residual -> residual.op() == Expression.Operation.TRUE);
      assertThat(residuals(table, Expressions.lessThan("v", 500_000L)))
          .hasSize(8)
          .noneMatch(residual -> residual.op() == Expression.Operation.TRUE);
    }
  }

  @Test
  void theRowsStayIcebergGenerics() {
    for (Table table : List.of(parquet, orc)) {
      for (Expression filter :
          List.of(
              Expressions.greaterThanOrEqual("id", 0),
              Expressions.lessThan("id", 1L << 40),
              Expressions.and(Expressions.greaterThanOrEqual("id", 0), Expressions.notNull("s")),
              Expressions.greaterThanOrEqual("id", 4_500),
              Expressions.notNull("s"),
              Expressions.lessThan("v", 500_000L))) {
        Differential.assertSameRows(new Differential.Case(table, null, filter, null), 777);
      }
    }
  }

  private static List<Expression> residuals(Table table, Expression filter) {
    ScanPlan plan = ScanPlan.create(table, DataScan.of(table).filter(filter).options(), 100);
    List<Expression> residuals = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = plan.planFiles()) {
      for (FileScanTask task : tasks) {
        residuals.add(plan.context().residual(task));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return residuals;
  }
}
