package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.iceberg.FileFormat;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ordered {@code parallelism(4)} with {@code maxBufferedBytes(64 MiB)} and a slow consumer, on the
 * large table (more than three times the child's heap): the same rows and batches as the serial
 * stream, an Arrow peak under the budget plus one batch per worker and the consumer's, and a peak
 * RSS under the baseline JVM's plus the serial stream's allowance, the budget and three more open
 * files.
 */
@ExtendWith(CiSuite.class)
final class TestOrderedParallelStaysInBudget {
  /**
   * What one more open file may add to the RSS: its 4 MiB row group / stripe and decoders (on the
   * pre-touched heap), its worker's stack and native codec buffers, and the allocator's pooled
   * chunks. Measured on the CI-sized tables (2026-12-02): ordered parallelism(4) peaked at 443 MB
   * (Parquet) and 382 MB (ORC) where the serial stream's RSS budget is 327 MB, with 80 MB of Arrow
   * memory at its peak.
   */
  private static final long OPEN_FILE_BYTES = 24 * CiSuite.MIB;

  /** A 10K-row batch of the table, with room (the streaming test's Arrow bound). */
  private static final long BATCH_BYTES = 8 * CiSuite.MIB;

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void staysUnderBaselinePlusBudgetPlusFourOpenFiles(FileFormat format, MemorySuite suite) {
    CachedTable table = suite.table(CiSuite.large(format));
    RunResult serial = suite.run(table, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    RunResult parallel =
        suite.run(table, ReadMode.FLOE_ORDERED_PARALLEL, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(parallel.status()).as(parallel.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(parallel.rows()).isEqualTo(table.metadataRows()).isEqualTo(serial.rows());
    assertThat(parallel.checksum()).isNotZero().isEqualTo(serial.checksum());
    assertThat(parallel.report().batches()).isEqualTo(serial.report().batches());
    long threads = TableReads.PARALLEL_THREADS;
    assertThat(parallel.report().arrowPeakBytes())
        .as(parallel.describe())
        .isLessThan(TableReads.PARALLEL_BUDGET_BYTES + (threads + 1) * BATCH_BYTES);
    assertThat(parallel.peakRssBytes())
        .as(parallel.describe())
        .isLessThan(
            CiSuite.rssBudget(suite)
                + TableReads.PARALLEL_BUDGET_BYTES
                + (threads - 1) * OPEN_FILE_BYTES);
    System.out.printf(
        "%s: ordered parallelism(4), 64 MiB ahead: peak RSS %,d, Arrow peak %,d; serial: peak RSS"
            + " %,d, Arrow peak %,d; RSS budget of the serial stream %,d%n",
        format,
        parallel.peakRssBytes(),
        parallel.report().arrowPeakBytes(),
        serial.peakRssBytes(),
        serial.report().arrowPeakBytes(),
        CiSuite.rssBudget(suite));
  }
}
