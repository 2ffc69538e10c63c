package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Parquet is read page by page, so a reader's memory does not grow with the writer's row-group
 * size. The same rows in one Parquet file, written with 16 MiB row groups and with a single row
 * group larger than the child's whole heap, both stream under the suite's limits ({@code -Xmx128m})
 * with the same rows and checksum, and their peak RSS is within 10% (the smaller peak of two runs
 * each where the first pair is not, as in {@link TestStreamingRssIndependentOfTableSize}); and a
 * file of one 1.1 GB row group reads there too. Before page streaming, parquet-mr read a row
 * group's projected chunks onto the heap at once: issue #13 measured a 38 MB row group failing with
 * {@code OutOfMemoryError} under {@code -Xmx128m}.
 */
@ExtendWith(CiSuite.class)
final class TestRssIndependentOfRowGroupSize {
  private static final double MAX_GROWTH = 1.10;

  /** ~150 MB of Parquet (~37 B/row): as one row group, more than the 128 MiB heap. */
  static final long ROWS = 4_000_000;

  static final TableSpec SMALL_ROW_GROUPS = TableSpec.parquet(ROWS, 16 * CiSuite.MIB).withFiles(1);

  /** A row-group target larger than the file: the whole file is one row group. */
  static final TableSpec ONE_ROW_GROUP = TableSpec.parquet(ROWS, 1024 * CiSuite.MIB).withFiles(1);

  @Test
  void aRowGroupLargerThanTheHeapReadsInTheMemoryOfSmallOnes(MemorySuite suite) {
    CachedTable small = suite.table(SMALL_ROW_GROUPS);
    CachedTable large = suite.table(ONE_ROW_GROUP);
    assertThat(rowGroups(large)).isEqualTo(1);
    assertThat(rowGroups(small)).isGreaterThanOrEqualTo(8);
    assertThat(large.dataBytes()).isGreaterThan(CiSuite.LIMITS.heapBytes());

    RunResult smallRun = suite.run(small, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    RunResult largeRun = suite.run(large, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);

    assertThat(smallRun.status()).as(smallRun.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(largeRun.status()).as(largeRun.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(largeRun.rows()).isEqualTo(large.metadataRows()).isEqualTo(smallRun.rows());
    assertThat(largeRun.checksum()).isNotZero().isEqualTo(smallRun.checksum());
    long smallPeak = smallRun.peakRssBytes();
    long largePeak = largeRun.peakRssBytes();
    if ((double) largePeak / smallPeak >= MAX_GROWTH) {
      smallPeak =
          Math.min(
              smallPeak,
              suite
                  .rerun(small, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS)
                  .peakRssBytes());
      largePeak =
          Math.min(
              largePeak,
              suite
                  .rerun(large, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS)
                  .peakRssBytes());
    }
    System.out.printf(
        "Parquet, %,d rows in one file: 16 MiB row groups peak RSS %,d; one %,d-byte row group"
            + " peak RSS %,d (%.3fx)%n",
        ROWS, smallPeak, large.dataBytes(), largePeak, (double) largePeak / smallPeak);
    assertThat((double) largePeak / smallPeak)
        .as("%s%nvs%n%s", largeRun.describe(), smallRun.describe())
        .isLessThan(MAX_GROWTH);
    assertThat(largePeak).as(largeRun.describe()).isLessThan(CiSuite.rssBudget(suite));
  }

  /** 30M rows (~1.1 GB of Parquet) in one file, one row group: the 1 GiB row group. */
  static final TableSpec ONE_GIB_ROW_GROUP =
      TableSpec.parquet(30_000_000, 2047 * CiSuite.MIB).withFiles(1);

  @Test
  void aOneGibRowGroupReadsUnderTheHeapLimit(MemorySuite suite) {
    CachedTable table = suite.table(ONE_GIB_ROW_GROUP);
    assertThat(table.dataFiles()).isEqualTo(1);
    assertThat(table.dataBytes()).isGreaterThan(1024 * CiSuite.MIB);
    assertThat(rowGroups(table)).isEqualTo(1);
    RunResult run = suite.run(table, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.rows()).isEqualTo(table.metadataRows());
    assertThat(run.checksum()).isNotZero();
    System.out.printf(
        "Parquet, one row group of %,d bytes: peak RSS %,d under %s%n",
        table.dataBytes(), run.peakRssBytes(), CiSuite.LIMITS);
    assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(CiSuite.rssBudget(suite));
  }

  /** Row groups of the table's data files (not its delete files), from their footers. */
  private static int rowGroups(CachedTable table) {
    Path dir = table.warehouse().resolve(TableSpec.NAMESPACE).resolve(table.spec().tableName());
    try (Stream<Path> files = Files.walk(dir)) {
      int rowGroups = 0;
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        if (file.toString().contains("/data/")) {
          try (ParquetFileReader reader =
              ParquetFileReader.open(
                  HadoopInputFile.fromPath(
                      new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            // position-delete files are Parquet in the same directory
            if (!reader.getFileMetaData().getSchema().containsField("file_path")) {
              rowGroups += reader.getRowGroups().size();
            }
          }
        }
      }
      return rowGroups;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The large tables of the suite, 4 MiB row groups and stripes: Parquet within ORC + 10%. */
  @Test
  void parquetPeaksWithinTenPercentOfOrc(MemorySuite suite) {
    CachedTable parquet = suite.table(CiSuite.large(FileFormat.PARQUET));
    CachedTable orc = suite.table(CiSuite.large(FileFormat.ORC));
    RunResult parquetRun =
        suite.run(parquet, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    RunResult orcRun = suite.run(orc, ReadMode.FLOE_STREAMING, CiSuite.BATCH, CiSuite.LIMITS);
    assertThat(parquetRun.status()).as(parquetRun.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(orcRun.status()).as(orcRun.describe()).isEqualTo(RunResult.Status.COMPLETED);
    System.out.printf(
        "Large tables, 4 MiB row groups / stripes: Parquet peak RSS %,d, ORC %,d (%.3fx)%n",
        parquetRun.peakRssBytes(),
        orcRun.peakRssBytes(),
        (double) parquetRun.peakRssBytes() / orcRun.peakRssBytes());
    assertThat((double) parquetRun.peakRssBytes() / orcRun.peakRssBytes())
        .as("%s%nvs%n%s", parquetRun.describe(), orcRun.describe())
        .isLessThan(MAX_GROWTH);
  }
}
