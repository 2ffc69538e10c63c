package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.FileRegions.Region;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files damaged in their dictionaries, read by the paths that read dictionaries: the
 * position-delete files of a v2 table (loaded whole, and alone again to find which delete file
 * failed) and a data file read with a filter (Iceberg's dictionary row-group filter). Each read
 * fails with a {@link FloeException} that names the table and the damaged file, and the damaged
 * file is closed when the read ends, not when garbage is collected; a checksummed dictionary page
 * never reads as other rows. The fixture is the one {@link TestDamageFuzzing} damages.
 */
class TestDamagedDeleteFiles {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table table;
  private static List<String> expected;

  @BeforeAll
  static void createTable() {
    warehouse = Warehouse.hadoop(dir);
    table =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "damaged_deletes_parquet"),
            FixtureOptions.defaults()
                .withRows(3_000)
                .withFilesPerPartition(1)
                .withRowGroupBytes(8 * 1024)
                .withFormat(FileFormat.PARQUET)
                .withFormatVersion(2));
    expected = Differential.floeRows(DataScan.of(table), 1000);
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void aNegativeDictionaryPageSizeInAPositionDeleteFileFailsAndClosesTheFile() throws Exception {
    for (String location : positionDeleteFiles()) {
      Path path = localPath(location);
      byte[] original = Files.readAllBytes(path);
      Region header = firstRegion(path, original, "dictionary page header");
      byte[] damaged = withNegativeCompressedSize(original, header);
      for (int parallelism : new int[] {1, 3}) {
        assertFailsNamingAndClosing(
            DataScan.of(table).parallelism(parallelism), path, original, damaged, location);
      }
    }
  }

  @Test
  void aBitFlipInAPositionDeleteDictionaryFailsOnItsChecksum() throws Exception {
    for (String location : positionDeleteFiles()) {
      Path path = localPath(location);
      byte[] original = Files.readAllBytes(path);
      // the file_path column's dictionary: the data files' locations
      Region dictionary = firstRegion(path, original, "dictionary page");
      assertThat(dictionary.checksummed()).as("dictionary page of %s has a CRC", location).isTrue();
      for (long at = dictionary.start(); at < dictionary.end(); at += dictionary.length() / 7 + 1) {
        byte[] damaged = original.clone();
        damaged[(int) at] ^= 0x04;
        assertFailsNamingAndClosing(DataScan.of(table), path, original, damaged, location);
      }
    }
  }

  @Test
  void aDamagedDictionaryOfAFilteredDataFileFailsAndClosesTheFile() throws Exception {
    String location = firstDataFile();
    Path path = localPath(location);
    byte[] original = Files.readAllBytes(path);
    // the filter makes Iceberg's dictionary filter read name's dictionary before the row group
    Region header = dictionaryHeader(path, original, location, "name");
    byte[] damaged = withNegativeCompressedSize(original, header);
    DataScan filtered = DataScan.of(table).filter(Expressions.notEqual("name", "no such name"));
    assertFailsNamingAndClosing(filtered, path, original, damaged, location);
  }

  @Test
  void aHugeBitmapCountInADeletionVectorFailsOnItsChecksumWithoutDecoding() throws Exception {
    Table v3 =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "damaged_dvs_parquet"),
            FixtureOptions.defaults()
                .withRows(3_000)
                .withFilesPerPartition(1)
                .withFormat(FileFormat.PARQUET)
                .withFormatVersion(3));
    List<String> undamaged = Differential.floeRows(DataScan.of(v3), 1000);
    TreeSet<String> puffins = new TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = v3.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        for (DeleteFile delete : task.deletes()) {
          // a data file with equality deletes too: a failure is then attributed by loading
          // each delete file alone
          if (delete.format() == FileFormat.PUFFIN && task.deletes().size() > 1) {
            puffins.add(delete.location());
          }
        }
      }
    }
    String location = puffins.first();
    Path path = localPath(location);
    byte[] original = Files.readAllBytes(path);
    Region blob = firstRegion(path, original, "blob");
    // after the blob's length and magic: the bitmap count, a little-endian long; 2^30 bitmaps
    byte[] damaged = original.clone();
    damaged[(int) blob.start() + 8 + 3] ^= 0x40;
    Map<String, String> before = Leaks.openFilesUnder(dir, Map.of());
    Files.write(path, damaged);
    try {
      for (int parallelism : new int[] {1, 3}) {
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                assertThatThrownBy(
                        () -> Differential.floeRows(DataScan.of(v3).parallelism(parallelism), 1000))
                    .isInstanceOf(FloeException.class)
                    .hasMessageContaining(v3.name())
                    .hasMessageContaining(location)
                    .hasMessageContaining("Invalid deletion vector checksum"));
        assertThat(Leaks.awaitNoneLeft(dir, before, 1_000)).as("left open").isEmpty();
      }
    } finally {
      Files.write(path, original);
    }
    assertThat(Differential.floeRows(DataScan.of(v3), 1000)).isEqualTo(undamaged);
  }

  /**
   * Iceberg's dictionary row-group filter gets a data file's dictionaries from Floe's page reader,
   * CRC checked: through parquet-mr's {@code readDictionary}, which checks no CRC, 2 of 136 one-bit
   * flips across the first {@code name} dictionary page made it skip a row group holding matching
   * rows (21 rows instead of 23, no error). Every flip must fail naming the file or read the same
   * rows.
   */
  @Test
  void aBitFlipInTheDictionaryOfAFilteredDataFileFailsOrReadsTheSameRows() throws Exception {
    String location = firstDataFile();
    Path path = localPath(location);
    byte[] original = Files.readAllBytes(path);
    Region header = dictionaryHeader(path, original, location, "name");
    Region page =
        FileRegions.of(path, original).stream()
            .filter(region -> region.start() == header.end())
            .findFirst()
            .orElseThrow();
    String name;
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).where(Expressions.equal("id", 0L)).build()) {
      name = String.valueOf(records.iterator().next().getField("name"));
    }
    DataScan filtered = DataScan.of(table).filter(Expressions.equal("name", name));
    List<String> want = Differential.floeRows(filtered, 1000);
    List<Long> silent = new ArrayList<>();
    try {
      for (long at = page.start(); at < page.end(); at++) {
        byte[] damaged = original.clone();
        damaged[(int) at] ^= 0x01;
        Files.write(path, damaged);
        try {
          if (!Differential.floeRows(filtered, 1000).equals(want)) {
            silent.add(at);
          }
        } catch (FloeException e) {
          // the damage was detected
        }
      }
    } finally {
      Files.write(path, original);
    }
    assertThat(silent).as("bytes whose flip read other rows without an error").isEmpty();
  }

  private static void assertFailsNamingAndClosing(
      DataScan scan, Path path, byte[] original, byte[] damaged, String location) throws Exception {
    Map<String, String> before = Leaks.openFilesUnder(dir, Map.of());
    Files.write(path, damaged);
    try {
      assertThatThrownBy(() -> Differential.floeRows(scan, 1000))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(table.name())
          .hasMessageContaining(location);
      // closed with the read: no garbage collection needed
      assertThat(Leaks.awaitNoneLeft(dir, before, 1_000)).as("left open").isEmpty();
    } finally {
      Files.write(path, original);
    }
    assertThat(Differential.floeRows(DataScan.of(table), 1000)).isEqualTo(expected);
  }

  /**
   * {@code bytes} with the compressed size in the page header of {@code region} made negative: the
   * header is decoded and encoded again, the same length (a zigzag varint of -n is as long as n's).
   */
  private static byte[] withNegativeCompressedSize(byte[] bytes, Region region) throws IOException {
    PageHeader header =
        Util.readPageHeader(
            new ByteArrayInputStream(bytes, (int) region.start(), (int) region.length()));
    header.setCompressed_page_size(-header.getCompressed_page_size());
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    Util.writePageHeader(header, encoded);
    assertThat(encoded.size()).as("re-encoded header length").isEqualTo(region.length());
    byte[] damaged = bytes.clone();
    System.arraycopy(encoded.toByteArray(), 0, damaged, (int) region.start(), encoded.size());
    return damaged;
  }

  private static Region firstRegion(Path path, byte[] bytes, String kind) {
    return FileRegions.of(path, bytes).stream()
        .filter(region -> region.kind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + path));
  }

  /** The dictionary page header of {@code column}'s first chunk in the Parquet file. */
  private static Region dictionaryHeader(Path path, byte[] bytes, String location, String column)
      throws IOException {
    long start;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(location), new Configuration()))) {
      start =
          reader.getFooter().getBlocks().get(0).getColumns().stream()
              .filter(chunk -> chunk.getPath().toDotString().equals(column))
              .filter(ColumnChunkMetaData::hasDictionaryPage)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no dictionary of " + column + " in " + path))
              .getStartingPos();
    }
    return FileRegions.of(path, bytes).stream()
        .filter(region -> region.kind().equals("dictionary page header"))
        .filter(region -> region.start() == start)
        .findFirst()
        .orElseThrow();
  }

  /** The Parquet position-delete files of the table, sorted by location. */
  private static TreeSet<String> positionDeleteFiles() {
    TreeSet<String> locations = new TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        for (DeleteFile delete : task.deletes()) {
          if (delete.content() == FileContent.POSITION_DELETES
              && delete.format() == FileFormat.PARQUET) {
            locations.add(delete.location());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(locations).isNotEmpty();
    return locations;
  }

  private static String firstDataFile() {
    TreeSet<String> locations = new TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        locations.add(task.file().location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return locations.first();
  }

  private static Path localPath(String location) {
    return Path.of(location.replaceFirst("^file:", ""));
  }
}
