package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data files damaged on disk, with their footers intact: the read fails with the table, the file
 * and the place in the file named, or it completes; it never hangs and never leaks a buffer ({@link
 * Differential#floeRows} closes its allocator, which fails on a leak). Parquet pages carry a CRC
 * that Floe checks, so a damaged Parquet page always fails the read instead of decoding into wrong
 * values. ORC has no checksums: damage that its decompressor and decoders do not notice reads as
 * different values, as it does with every ORC reader.
 *
 * <p>The fixtures are byte for byte the same on every run, and each test damages the data file with
 * the first location, so the cases are the same every time. orc-core can spin for minutes on some
 * damaged integer streams (README, "Damaged files"); none of the ORC cases here reaches that loop,
 * and a test that did would fail on its time limit rather than hang the build.
 */
class TestDamagedFiles {
  private static final Duration NO_HANG = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options =
        FixtureOptions.defaults()
            .withRows(20_000)
            .withFilesPerPartition(1)
            .withRowGroupBytes(16 * 1024);
    parquet =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "damaged_parquet"),
            options.withFormat(FileFormat.PARQUET));
    orc =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "damaged_orc"),
            options.withFormat(FileFormat.ORC));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void aDamagedParquetPageFailsWithTheRowGroupThatHoldsIt() throws IOException {
    String location = firstDataFile(parquet);
    Path path = localPath(location);
    byte[] original = Files.readAllBytes(path);
    List<BlockMetaData> rowGroups;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(location), new Configuration()))) {
      rowGroups = reader.getFooter().getBlocks();
    }
    assertThat(rowGroups).as("row groups of %s", location).hasSizeGreaterThan(2);

    long firstRow = 0;
    try {
      for (BlockMetaData rowGroup : rowGroups) {
        // The middle of the `value` chunk: random doubles, stored as they are even when compressed.
        ColumnChunkMetaData chunk = column(rowGroup, "value");
        int at = Math.toIntExact(chunk.getStartingPos() + chunk.getTotalSize() / 2);
        byte[] damaged = original.clone();
        damaged[at] ^= 0x10;
        Files.write(path, damaged);
        // pages are read and checked as they are decoded: the failure names the row group
        // holding the page, the column and the page's byte offset
        String where = "row group at row " + firstRow;

        assertThatThrownBy(() -> read(DataScan.of(parquet), 1000))
            .isInstanceOf(FloeException.class)
            .hasMessageContaining(parquet.name())
            .hasMessageContaining(location)
            .hasMessageContaining(where)
            .hasMessageContaining("of column value")
            .hasMessageContaining("CRC");
        // Without the damaged column the file reads: only the damaged page is rejected.
        assertThat(read(DataScan.of(parquet).select("id", "name"), 1000)).isNotEmpty();
        firstRow += rowGroup.getRowCount();
      }
    } finally {
      Files.write(path, original);
    }
  }

  @Test
  void damageAnywhereInAParquetFileFailsTheReadNeverChangesRows() throws IOException {
    List<String> expected = read(DataScan.of(parquet), 1000);
    for (Outcome outcome : damageAcrossTheFile(parquet, expected)) {
      assertThat(outcome.failed() || outcome.sameRows())
          .as("read with damage at byte %d failed or returned the same rows", outcome.at())
          .isTrue();
    }
  }

  @Test
  void damageAnywhereInAnOrcFileFailsCleanlyOrReads() throws IOException {
    List<String> expected = read(DataScan.of(orc), 1000);
    List<Outcome> outcomes = damageAcrossTheFile(orc, expected);
    // zlib streams and ORC's decoders notice much of it; the read fails with file and rows named.
    assertThat(outcomes).anyMatch(Outcome::failed);
  }

  /** What happened to a read of the table with one file damaged at one place. */
  private record Outcome(long at, boolean failed, boolean sameRows) {}

  /**
   * Damages 64 bytes at 24 places between the file's header and its footer, one at a time, and
   * reads the whole table each time. A failure must be a {@link FloeException} naming the table and
   * the file; nothing may hang or leak.
   */
  private static List<Outcome> damageAcrossTheFile(Table table, List<String> expected)
      throws IOException {
    String location = firstDataFile(table);
    Path path = localPath(location);
    byte[] original = Files.readAllBytes(path);
    int dataEnd = original.length * 3 / 4; // the footer is at the end; damage the data only
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < 24; i++) {
        int at = 4 + (int) ((long) (dataEnd - 68) * i / 24);
        byte[] damaged = original.clone();
        for (int b = at; b < at + 64; b++) {
          damaged[b] ^= (byte) (0x5A + b);
        }
        Files.write(path, damaged);
        try {
          List<String> rows =
              assertTimeoutPreemptively(NO_HANG, () -> read(DataScan.of(table), 1000));
          outcomes.add(new Outcome(at, false, rows.equals(expected)));
        } catch (FloeException e) {
          assertThat(e.getMessage())
              .as("damage at byte %d", at)
              .contains(table.name())
              .contains(location);
          outcomes.add(new Outcome(at, true, false));
        }
      }
    } finally {
      Files.write(path, original);
    }
    assertThat(read(DataScan.of(table), 1000)).isEqualTo(expected);
    return outcomes;
  }

  private static List<String> read(DataScan scan, int batchSize) {
    return Differential.floeRows(scan, batchSize);
  }

  /** The data file with the first location: plan order differs from run to run. */
  private static String firstDataFile(Table table) throws IOException {
    List<String> locations = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> locations.add(task.file().location()));
    }
    return locations.stream().sorted().findFirst().orElseThrow();
  }

  private static Path localPath(String location) {
    return Path.of(location.replaceFirst("^file:", ""));
  }

  private static ColumnChunkMetaData column(BlockMetaData rowGroup, String name) {
    return rowGroup.getColumns().stream()
        .filter(chunk -> chunk.getPath().toDotString().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
