package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.FileFormat;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Floe streams a table holding more than three times the child's heap in data files, completely and
 * correctly, within a fixed RSS budget, in both formats.
 */
@ExtendWith(CiSuite.class)
final class TestStreamingReadsTablesLargerThanHeap {
  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void readsEveryRowWithinTheBudget(FileFormat format, MemorySuite suite) {
    CachedTable table = suite.table(CiSuite.large(format));
    assertThat(table.dataBytes())
        .as("data on disk vs. 3 x the child heap")
        .isGreaterThanOrEqualTo(3 * CiSuite.LIMITS.heapBytes());

    RunResult run = suite.run(table, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.exitCode()).isZero();
    assertThat(run.rows()).as("live rows by the snapshot summary").isEqualTo(table.metadataRows());
    assertThat(run.report().files()).isEqualTo(table.dataFiles());
    // Batches never exceed the batch size (and end at row group / stripe boundaries).
    assertThat(run.report().batches())
        .isGreaterThanOrEqualTo((run.rows() + CiSuite.BATCH - 1) / CiSuite.BATCH)
        .isLessThan(run.rows());
    assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(CiSuite.rssBudget(suite));
    // What the read actually needs: a 10K-row Arrow batch and, on the heap, one 4 MiB row group or
    // stripe with its decoders.
    assertThat(run.report().arrowPeakBytes()).isLessThan(8 * CiSuite.MIB);
    assertThat(run.report().heapAfterGcPeakBytes()).isLessThan(64 * CiSuite.MIB);
    // The harness really watched the child: a sample every ~50 ms over the whole run.
    assertThat(run.samples().size())
        .isGreaterThan((int) (run.processMillis() / ChildJvm.SAMPLE_PERIOD.toMillis() / 2));
  }

  /**
   * Tables of the same size hold the same generated rows, so their checksums must agree although
   * Parquet and ORC go through different decoders.
   */
  @ParameterizedTest
  @ValueSource(longs = {CiSuite.QUARTER_ROWS, CiSuite.LARGE_ROWS})
  void parquetAndOrcChecksumsAgree(long rows, MemorySuite suite) {
    RunResult parquet =
        suite.run(
            suite.table(new TableSpec(FileFormat.PARQUET, rows, CiSuite.ROW_GROUP_BYTES, 2)),
            ReadMode.FLOE_STREAMING,
            CiSuite.BATCH,
            CiSuite.LIMITS);
    RunResult orc =
        suite.run(
            suite.table(new TableSpec(FileFormat.ORC, rows, CiSuite.ROW_GROUP_BYTES, 2)),
            ReadMode.FLOE_STREAMING,
            CiSuite.BATCH,
            CiSuite.LIMITS);

    assertThat(parquet.status()).as(parquet.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(orc.status()).as(orc.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(parquet.rows()).isEqualTo(orc.rows());
    assertThat(parquet.checksum()).isNotZero().isEqualTo(orc.checksum());
  }
}
