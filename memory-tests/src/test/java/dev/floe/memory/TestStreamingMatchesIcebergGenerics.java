package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On tables small enough to read row by row with Iceberg's own {@code IcebergGenerics}, every
 * streamed read in a child JVM under the CI limits returns exactly the same rows (count and
 * checksum), whatever the layout (100-row stripes, 64 KiB row groups, position deletes or deletion
 * vectors) and batch size.
 */
@ExtendWith(CiSuite.class)
final class TestStreamingMatchesIcebergGenerics {

  static Stream<Arguments> reads() {
    return Stream.of(
        Arguments.of(CiSuite.ORC_V3, 1_000),
        Arguments.of(CiSuite.ORC_V3, 10_000),
        Arguments.of(CiSuite.ORC_V3, 100_000),
        Arguments.of(CiSuite.TINY_STRIPES_ORC, 10_000),
        Arguments.of(CiSuite.SMALL_ROW_GROUPS_PARQUET_V3, 10_000));
  }

  @ParameterizedTest
  @MethodSource("reads")
  void sameRowsAsIcebergGenerics(TableSpec spec, int batchSize, MemorySuite suite) {
    CachedTable table = suite.tableWithReference(spec);
    CachedTable.Reference reference = table.reference().orElseThrow();

    RunResult run = suite.run(table, ReadMode.FLOE_STREAMING, batchSize, CiSuite.LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.rows()).isEqualTo(reference.rows()).isEqualTo(table.metadataRows());
    assertThat(run.checksum()).isEqualTo(reference.checksum());
    assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(CiSuite.rssBudget(suite));
  }

  /** What a JVM costs before it reads a row: the floor under every figure in the report. */
  @Test
  void baselineReadsNoRows(MemorySuite suite) {
    CachedTable table = suite.table(CiSuite.ORC_V3);

    RunResult run = suite.run(table, ReadMode.BASELINE, 1, CiSuite.LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.rows()).isZero();
    assertThat(run.report().files()).isEqualTo(table.dataFiles());
    assertThat(run.peakRssBytes()).isPositive();
  }

  /** The differential reference itself is sound: both readers agree with the table's metadata. */
  @Test
  void referencesAgreeWithMetadata(MemorySuite suite) {
    for (TableSpec spec :
        List.of(CiSuite.TINY_STRIPES_ORC, CiSuite.SMALL_ROW_GROUPS_PARQUET_V3, CiSuite.ORC_V3)) {
      CachedTable table = suite.tableWithReference(spec);
      assertThat(table.reference().orElseThrow().rows())
          .as(spec.identifier())
          .isEqualTo(table.metadataRows())
          .isLessThan(spec.rows())
          .isGreaterThan(spec.rows() * 98 / 100);
    }
  }
}
