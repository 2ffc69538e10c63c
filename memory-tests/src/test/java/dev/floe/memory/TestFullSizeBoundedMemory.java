package dev.floe.memory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileFormat;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The full-size run ({@code make memory-test}, not in CI): Parquet and ORC tables of 152M written
 * rows, of which ~1% are deleted, so over 150M rows are read (the seed's 150M-row ORC file), with
 * Iceberg's default row group (128 MiB) and stripe (64 MiB) sizes, plus three smaller sizes (each
 * 4x smaller), streamed at four batch sizes under {@code -Xmx512m}; every read must stay under 1
 * GiB of RSS. The materializing baselines run under the same limits and under an 8x larger heap.
 *
 * <p>Tables are cached in {@code floe.memory.tables} ({@code make memory-test} uses {@code
 * ~/.cache/floe-memory}); generating them takes most of the time of a first run.
 */
@EnabledIfSystemProperty(named = "floe.memory.full", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class TestFullSizeBoundedMemory {
  private static final long MIB = 1024 * 1024;
  private static final long GIB = 1024 * MIB;
  static final long FULL_ROWS = 152_000_000;

  /** At least this many rows must survive the deletes of the full-size tables. */
  static final long FULL_LIVE_ROWS = 150_000_000;

  static final List<Long> ROWS = List.of(FULL_ROWS / 64, FULL_ROWS / 16, FULL_ROWS / 4, FULL_ROWS);
  static final List<Integer> BATCHES = List.of(1_000, 10_000, 100_000, 1_000_000);
  static final int REFERENCE_BATCH = 10_000;
  static final JvmLimits LIMITS = JvmLimits.preTouchedMib(512, 512, 384);

  /** Not pre-touched: RSS then shows what materializing actually needed. */
  static final JvmLimits GENEROUS = JvmLimits.ofMib(4096, 4096, 3072);

  static final long RSS_BOUND = GIB;

  private MemorySuite suite;

  @BeforeAll
  void openSuite() {
    suite =
        new MemorySuite(
            TableCache.configuredDir(
                Path.of(System.getProperty("user.home"), ".cache", "floe-memory")),
            Path.of(MemorySuite.reportsRoot() + "-full"),
            Duration.ofMinutes(30),
            "Floe memory, full size: streaming under " + LIMITS,
            REFERENCE_BATCH,
            RSS_BOUND / (double) MIB,
            "1 GiB");
  }

  @AfterAll
  void writeReport() {
    suite.close();
  }

  static TableSpec spec(FileFormat format, long rows) {
    // Iceberg's defaults: write.parquet.row-group-size-bytes 128 MiB, write.orc.stripe-size-bytes
    // 64 MiB.
    return format == FileFormat.ORC
        ? TableSpec.orc(rows, 64 * MIB)
        : TableSpec.parquet(rows, 128 * MIB);
  }

  @Test
  @Order(1)
  void fullSizeTablesStreamUnderOneGibibyte() {
    SoftAssertions soft = new SoftAssertions();
    List<Long> checksums = new ArrayList<>();
    for (FileFormat format : List.of(FileFormat.ORC, FileFormat.PARQUET)) {
      CachedTable table = suite.table(spec(format, FULL_ROWS));
      soft.assertThat(table.metadataRows())
          .as("%s rows after deletes", format)
          .isGreaterThanOrEqualTo(FULL_LIVE_ROWS);
      if (format == FileFormat.ORC) {
        soft.assertThat(table.dataBytes())
            .as("ORC data bytes")
            .isGreaterThanOrEqualTo(3_500_000_000L);
      }
      for (int batch : BATCHES) {
        RunResult run = suite.run(table, ReadMode.FLOE_STREAMING, batch, LIMITS);
        soft.assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
        soft.assertThat(run.rows()).as(run.describe()).isEqualTo(table.metadataRows());
        soft.assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(RSS_BOUND);
        if (batch == REFERENCE_BATCH) {
          checksums.add(run.checksum());
        }
      }
    }
    soft.assertThat(checksums.get(0)).as("ORC vs Parquet checksum").isEqualTo(checksums.get(1));
    soft.assertAll();
  }

  @Test
  @Order(2)
  void everySizeAndBatchSizeStreamsUnderOneGibibyte() {
    SoftAssertions soft = new SoftAssertions();
    for (long rows : ROWS) {
      long[] checksums = new long[2];
      int i = 0;
      for (FileFormat format : List.of(FileFormat.ORC, FileFormat.PARQUET)) {
        CachedTable table =
            rows == ROWS.get(0)
                ? suite.tableWithReference(spec(format, rows))
                : suite.table(spec(format, rows));
        for (int batch : BATCHES) {
          RunResult run = suite.run(table, ReadMode.FLOE_STREAMING, batch, LIMITS);
          soft.assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
          soft.assertThat(run.rows()).as(run.describe()).isEqualTo(table.metadataRows());
          soft.assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(RSS_BOUND);
          if (table.reference().isPresent()) {
            soft.assertThat(run.checksum())
                .as(run.describe())
                .isEqualTo(table.reference().get().checksum());
          }
          if (batch == REFERENCE_BATCH) {
            checksums[i] = run.checksum();
          }
        }
        i++;
      }
      soft.assertThat(checksums[0])
          .as("ORC vs Parquet checksum, %d rows", rows)
          .isEqualTo(checksums[1]);
    }
    soft.assertAll();
  }

  @Test
  @Order(3)
  void materializingBaselines() {
    SoftAssertions soft = new SoftAssertions();
    suite.run(suite.table(spec(FileFormat.ORC, ROWS.get(0))), ReadMode.BASELINE, 1, LIMITS);
    for (long rows : ROWS) {
      for (FileFormat format : List.of(FileFormat.ORC, FileFormat.PARQUET)) {
        CachedTable table = suite.table(spec(format, rows));
        for (ReadMode mode : List.of(ReadMode.GENERICS_LIST, ReadMode.ARROW_BATCHES_KEPT)) {
          RunResult limited = suite.run(table, mode, REFERENCE_BATCH, LIMITS);
          if (rows == FULL_ROWS) {
            soft.assertThat(limited.status())
                .as(limited.describe())
                .isEqualTo(RunResult.Status.OUT_OF_MEMORY);
          }
          // With 8x the heap the smaller tables fit; the larger ones show where that stops.
          if (rows <= ROWS.get(1)) {
            RunResult generous = suite.run(table, mode, REFERENCE_BATCH, GENEROUS);
            soft.assertThat(generous.status())
                .as(generous.describe())
                .isIn(RunResult.Status.COMPLETED, RunResult.Status.OUT_OF_MEMORY);
          }
        }
      }
    }
    soft.assertAll();
  }
}
