package dev.floe.delete;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.reader.OpenStreams;
import dev.floe.reader.parquet.ParquetBatchSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A position-delete file too large for the scan's {@link DeleteCache} is read for one data file at
 * a time, as a cached one is read whole: every page of it checked against its CRC. Iceberg's own
 * loader reads such a file with a {@code file_path = <data file>} filter, and its dictionary
 * row-group filter reads the {@code file_path} dictionary without checking the page's CRC, so a bit
 * flipped in the dictionary skipped the row group: the data file's deletes were silently lost.
 */
class TestDeleteFilesOverTheCacheBound {
  @TempDir static Path dir;
  private static Table table;

  @BeforeAll
  static void createTable() {
    Warehouse warehouse = Warehouse.hadoop(dir);
    table =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "deletes_over_the_bound"),
            FixtureOptions.defaults()
                .withRows(3_000)
                .withFilesPerPartition(1)
                .withFormat(FileFormat.PARQUET)
                .withFormatVersion(2));
  }

  @Test
  void aBitFlipInAPositionDeleteDictionaryFailsTheLoadOfEveryDataFileItApplies() throws Exception {
    Map<String, List<FileScanTask>> tasksByDeleteFile = tasksByPositionDeleteFile();
    assertThat(tasksByDeleteFile.values()).anyMatch(tasks -> tasks.size() > 1);
    for (Map.Entry<String, List<FileScanTask>> entry : tasksByDeleteFile.entrySet()) {
      Path path = Path.of(entry.getKey().replaceFirst("^file:", ""));
      byte[] original = Files.readAllBytes(path);
      long[] dictionary = filePathDictionary(entry.getKey(), original);
      try {
        for (long at = dictionary[0]; at < dictionary[1]; at += 5) {
          byte[] damaged = original.clone();
          damaged[(int) at] ^= 0x02;
          Files.write(path, damaged);
          for (FileScanTask task : entry.getValue()) {
            assertThatThrownBy(() -> loadUncached(task))
                .as("deletes of %s, bit flipped at byte %d of %s", task.file(), at, path)
                .isInstanceOf(RuntimeException.class);
          }
        }
      } finally {
        Files.write(path, original);
      }
      for (FileScanTask task : entry.getValue()) {
        assertThat(loadUncached(task).keepsAll()).isFalse();
      }
    }
  }

  /** Loads the deletes of {@code task} as a scan does, through a cache that keeps nothing. */
  private static RowSelector loadUncached(FileScanTask task) throws IOException {
    try (OpenStreams streams = new OpenStreams()) {
      FileIO io = streams.track(table.io(), ParquetBatchSource::verifyingPageChecksums);
      return RowSelector.load(
          task.file().location(),
          task.deletes(),
          table.schema(),
          table.schema(),
          Expressions.alwaysTrue(),
          true,
          io,
          DeleteCache.withMaxBytes(0));
    }
  }

  /** Bytes {@code [start, end)} of the first row group's {@code file_path} dictionary page. */
  private static long[] filePathDictionary(String location, byte[] bytes) throws IOException {
    ColumnChunkMetaData chunk;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(location), new Configuration()))) {
      chunk =
          reader.getFooter().getBlocks().get(0).getColumns().stream()
              .filter(column -> column.getPath().toDotString().equals("file_path"))
              .findFirst()
              .orElseThrow();
    }
    assertThat(chunk.hasDictionaryPage()).as("file_path of %s has a dictionary", location).isTrue();
    int start = (int) chunk.getStartingPos();
    ByteArrayInputStream in = new ByteArrayInputStream(bytes, start, bytes.length - start);
    PageHeader header = Util.readPageHeader(in);
    assertThat(header.isSetCrc()).as("dictionary page of %s has a CRC", location).isTrue();
    long pageStart = bytes.length - in.available();
    return new long[] {pageStart, pageStart + header.getCompressed_page_size()};
  }

  /** The tasks each Parquet position-delete file applies to, by delete file. */
  private static Map<String, List<FileScanTask>> tasksByPositionDeleteFile() {
    Map<String, List<FileScanTask>> tasks = new TreeMap<>();
    try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
      for (FileScanTask task : planned) {
        for (DeleteFile delete : task.deletes()) {
          if (delete.content() == FileContent.POSITION_DELETES) {
            tasks.computeIfAbsent(delete.location(), key -> new ArrayList<>()).add(task);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }
}
