package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.FileFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Under the limits Floe streams within, the ways people read a table today (all rows into a list,
 * all Arrow batches kept) run out of memory: the suite can fail, and the child's exit status and
 * error say why.
 */
@ExtendWith(CiSuite.class)
final class TestMaterializingBaselinesRunOutOfMemory {

  @ParameterizedTest
  @CsvSource({
    "PARQUET, GENERICS_LIST, Java heap space",
    "ORC, GENERICS_LIST, Java heap space",
    "PARQUET, ARROW_BATCHES_KEPT, due to memory limit",
    "ORC, ARROW_BATCHES_KEPT, due to memory limit"
  })
  void runsOutOfMemory(FileFormat format, ReadMode mode, String error, MemorySuite suite) {
    CachedTable table = suite.table(CiSuite.large(format));

    RunResult run = suite.run(table, mode, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.OUT_OF_MEMORY);
    assertThat(run.exitCode()).isEqualTo(ReadChild.EXIT_OUT_OF_MEMORY);
    assertThat(run.report().error()).contains(error);
    assertThat(run.rows()).isPositive().isLessThan(table.metadataRows());
    assertThat(run.checksum()).isZero();
  }

  /**
   * The baseline is a correct reader, not just a crash: where the table fits (200K rows, ~65 MiB of
   * Arrow), keeping every batch returns exactly IcebergGenerics' rows.
   */
  @Test
  void keptBatchesOfATableThatFitsMatchIcebergGenerics(MemorySuite suite) {
    CachedTable table = suite.tableWithReference(CiSuite.ORC_V3);

    RunResult run = suite.run(table, ReadMode.ARROW_BATCHES_KEPT, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.rows()).isEqualTo(table.reference().orElseThrow().rows());
    assertThat(run.checksum()).isEqualTo(table.reference().orElseThrow().checksum());
    assertThat(run.report().arrowPeakBytes()).isLessThanOrEqualTo(CiSuite.LIMITS.allocatorBytes());
  }
}
