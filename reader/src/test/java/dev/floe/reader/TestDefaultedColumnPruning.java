package dev.floe.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * Row-group / stripe pruning decides per data file whether it may use a predicate on a column with
 * an initial default: only when the file's metrics show it stores the column.
 */
class TestDefaultedColumnPruning {
  private static final Schema COLUMNS =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()),
          Types.NestedField.optional("region")
              .withId(3)
              .ofType(Types.StringType.get())
              .withInitialDefault(Literal.of("unknown"))
              .withWriteDefault(Literal.of("unknown"))
              .build());

  private static final Expression ON_REGION = Expressions.equal("region", "unknown");
  private static final Expression ON_ID = Expressions.lessThan("id", 10L);

  @Test
  void aFileWhoseMetricsShowTheColumnPrunesOnIt() {
    DataFile file = file(Map.of(1, 5L, 3, 5L));

    assertThat(MissingColumns.mayLack(COLUMNS, file)).isEmpty();
    Expression filter = Expressions.and(ON_REGION, ON_ID);
    assertThat(pruning(filter, file, FileFormat.PARQUET)).isSameAs(filter);
    assertThat(pruning(filter, file, FileFormat.ORC)).isSameAs(filter);
  }

  @Test
  void aFileWithoutTheColumnsMetricsPrunesOnlyOnOtherColumns() {
    DataFile olderFile = file(Map.of(1, 5L, 2, 5L));
    DataFile withoutMetrics = file(null);

    for (DataFile file : new DataFile[] {olderFile, withoutMetrics}) {
      assertThat(MissingColumns.mayLack(COLUMNS, file)).containsExactly(3);
      for (FileFormat format : new FileFormat[] {FileFormat.PARQUET, FileFormat.ORC}) {
        assertThat(pruning(Expressions.and(ON_REGION, ON_ID), file, format).toString())
            .isEqualTo(ON_ID.toString());
        assertThat(pruning(Expressions.notNull("region"), file, format))
            .isEqualTo(Expressions.alwaysTrue());
        // not(region = x and id < 10) = region != x or id >= 10: nothing left to prune with.
        assertThat(pruning(Expressions.not(Expressions.and(ON_REGION, ON_ID)), file, format))
            .isEqualTo(Expressions.alwaysTrue());
      }
    }
  }

  @Test
  void columnsWithoutADefaultPruneWhetherOrNotTheFileHasThem() {
    // A column the file lacks reads as null, which is what the formats' filters assume.
    DataFile file = file(Map.of(1, 5L));
    Expression onName = Expressions.equal("name", "x");

    assertThat(pruning(onName, file, FileFormat.PARQUET)).isSameAs(onName);
    assertThat(pruning(onName, file, FileFormat.ORC)).isSameAs(onName);
  }

  private static Expression pruning(Expression residual, DataFile file, FileFormat format) {
    Set<Integer> mayLack = MissingColumns.mayLack(COLUMNS, file);
    return Formats.pruningFilter(residual, COLUMNS, true, format, mayLack);
  }

  private static DataFile file(Map<Integer, Long> valueCounts) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/warehouse/t/data/f.parquet")
        .withFormat(FileFormat.PARQUET)
        .withFileSizeInBytes(100)
        .withRecordCount(5)
        .withMetrics(new Metrics(5L, null, valueCounts, null, null))
        .build();
  }
}
