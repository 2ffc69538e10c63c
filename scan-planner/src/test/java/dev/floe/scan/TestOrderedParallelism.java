package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataScan#parallelism}: on every fixture table and at every parallelism from 1 to 8, the
 * batches are those of the serial read, batch for batch, row for row, in the same order, whether
 * the files are many or one file of many row groups (cut into splits read on several threads); a
 * damaged file in the middle fails the stream with its name after every row before it; close
 * mid-stream and a slow consumer leave no thread and no buffer, and the decoded-ahead bytes stay
 * within {@link DataScan#maxBufferedBytes}.
 */
class TestOrderedParallelism {
  private static final long ROWS = 2_000;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<Table> TABLES = new ArrayList<>();
  private static Table oneFile;
  private static Table manyFiles;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    Catalog catalog = warehouse.catalog();
    FixtureOptions small = FixtureOptions.defaults().withRows(ROWS).withRowGroupBytes(8 * 1024);
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      String suffix = "_" + format.name().toLowerCase();
      FixtureOptions options = small.withFormat(format);
      TABLES.add(
          Fixtures.allTypes(catalog, TableIdentifier.of("db", "all_types" + suffix), options));
      TABLES.add(
          Fixtures.deletes(catalog, TableIdentifier.of("db", "deletes_v2" + suffix), options));
      TABLES.add(
          Fixtures.deletes(
              catalog,
              TableIdentifier.of("db", "deletes_v3" + suffix),
              options.withFormatVersion(3)));
      TABLES.add(
          Fixtures.evolution(catalog, TableIdentifier.of("db", "evolution" + suffix), options));
      TABLES.add(
          Fixtures.evolution(
              catalog,
              TableIdentifier.of("db", "evolution_v3" + suffix),
              options.withFormatVersion(3)));
      TABLES.add(
          Fixtures.manyFiles(
              catalog, TableIdentifier.of("db", "one_file" + suffix), options.withRows(20_000), 1));
    }
    oneFile = TABLES.get(5);
    manyFiles =
        Fixtures.manyFiles(
            catalog,
            TableIdentifier.of("db", "many_files"),
            FixtureOptions.defaults().withRows(8 * 100_000L),
            8);
    TABLES.add(
        Fixtures.manyFiles(
            catalog,
            TableIdentifier.of("db", "small_files"),
            FixtureOptions.defaults().withRows(8 * 500L),
            8));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void theOneFileTableHasSeveralRowGroupsCutIntoSplits() throws IOException {
    try (CloseableIterable<FileScanTask> tasks = oneFile.newScan().planFiles()) {
      List<FileScanTask> files = StreamSupport.stream(tasks.spliterator(), false).toList();
      assertThat(files).hasSize(1);
      assertThat(files.get(0).file().splitOffsets()).hasSizeGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void everyParallelismReturnsTheSerialBatchesInTheSerialOrder() {
    for (Table table : TABLES) {
      for (int batchSize : new int[] {7, 1000}) {
        DataScan scan = DataScan.of(table).withMetadataColumns("_file", "_pos");
        List<List<String>> serial = batches(scan, batchSize);
        assertThat(serial).isNotEmpty();
        for (int parallelism = 1; parallelism <= 8; parallelism++) {
          assertThat(batches(scan.parallelism(parallelism), batchSize))
              .as("%s batch %d parallelism %d", table.name(), batchSize, parallelism)
              .isEqualTo(serial);
        }
      }
    }
  }

  @Test
  void filteredProjectedAndLimitedScansKeepTheSerialBatches() {
    for (Table table : List.of(oneFile, manyFiles, TABLES.get(1), TABLES.get(7))) {
      String column = table.schema().columns().get(0).name();
      DataScan scan =
          DataScan.of(table)
              .select(column, "_pos")
              .filter(Expressions.greaterThan(column, 10))
              .withMetadataColumns("_file");
      for (DataScan variant : List.of(scan, scan.limit(1_234), scan.maxBufferedBytes(1))) {
        List<List<String>> serial = batches(variant, 333);
        for (int parallelism : new int[] {2, 3, 8}) {
          assertThat(batches(variant.parallelism(parallelism), 333))
              .as("%s parallelism %d", table.name(), parallelism)
              .isEqualTo(serial);
        }
      }
    }
  }

  @Test
  void aDamagedFileInTheMiddleFailsWithItsNameAfterEveryRowBeforeIt() throws Exception {
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      Table broken =
          Fixtures.manyFiles(
              warehouse.catalog(),
              TableIdentifier.of("db", "broken_" + format.name().toLowerCase()),
              FixtureOptions.defaults().withRows(6 * 4_000L).withFormat(format),
              6);
      List<String> files = plannedFiles(broken);
      String victim = files.get(3);
      Path path = Path.of(victim.replaceFirst("^file:", ""));
      byte[] garbage = Files.readAllBytes(path);
      for (int i = garbage.length / 3; i < garbage.length; i++) {
        garbage[i] = (byte) (i * 31);
      }
      Files.write(path, garbage);
      DataScan scan = DataScan.of(broken).withMetadataColumns("_file", "_pos");
      List<List<String>> serialBefore = new ArrayList<>();
      assertThatThrownBy(() -> readInto(scan, 500, serialBefore))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(victim);
      assertThat(serialBefore).isNotEmpty();
      assertThat(String.join("", serialBefore.get(serialBefore.size() - 1))).contains(files.get(2));
      for (int parallelism : new int[] {2, 3, 4, 8}) {
        List<List<String>> before = new ArrayList<>();
        // readInto closes its RootAllocator, which fails on a leaked buffer
        assertThatThrownBy(() -> readInto(scan.parallelism(parallelism), 500, before))
            .isInstanceOf(FloeException.class)
            .hasMessageContaining(broken.name())
            .hasMessageContaining(victim);
        assertThat(before).as("parallelism %d", parallelism).isEqualTo(serialBefore);
        assertThat(readerThreads()).isZero();
      }
    }
  }

  @Test
  void closeMidStreamLeavesNoThreadAndNoBuffer() throws Exception {
    for (Table table : List.of(oneFile, manyFiles, TABLES.get(11))) {
      for (int parallelism : new int[] {2, 4, 8}) {
        try (BufferAllocator allocator = new RootAllocator()) {
          RecordBatchStream stream =
              DataScan.of(table).parallelism(parallelism).toRecordBatches(100, allocator);
          for (int i = 0; i < 3; i++) {
            assertThat(stream.loadNextBatch()).isTrue();
          }
          assertThat(liveReaderThreads()).isPositive();
          stream.close();
          assertThat(allocator.getAllocatedMemory()).isZero();
        }
        assertThat(readerThreads()).as("%s parallelism %d", table.name(), parallelism).isZero();
      }
    }
  }

  /**
   * A consumer that stalls: the workers decode up to the budget and stop there. The stream's peak
   * memory stays under the budget plus, per worker, the batch it holds waiting for room and the one
   * it decodes, plus the consumer's batch. With the default budget the same stall buffers several
   * times more, so it is the budget that stops them.
   */
  @Test
  void aSlowConsumerStopsTheDecodingAtTheBudget() throws Exception {
    int parallelism = 4;
    int batchSize = 2_000;
    long budget = 1L << 20;
    long batchBytes = largestBatch(DataScan.of(manyFiles), batchSize);
    long bound = budget + (2L * parallelism + 1) * batchBytes;
    long[] small =
        stalled(
            DataScan.of(manyFiles).parallelism(parallelism).maxBufferedBytes(budget), batchSize);
    assertThat(small[1])
        .as("peak with a %d-byte budget, batch %d", budget, batchBytes)
        .isLessThanOrEqualTo(bound);
    long[] large = stalled(DataScan.of(manyFiles).parallelism(parallelism), batchSize);
    System.out.printf(
        "maxBufferedBytes %,d: held after a stall %,d, peak %,d (bound %,d, batch %,d);"
            + " default budget: held %,d, peak %,d%n",
        budget, small[0], small[1], bound, batchBytes, large[0], large[1]);
    assertThat(large[0])
        .as("held during the stall with the default budget")
        .isGreaterThan(3 * small[0]);
  }

  /**
   * Reads two batches, stalls until the workers stop decoding, then reads to the end slowly.
   *
   * @return the bytes held after the stall and the allocator's peak
   */
  private static long[] stalled(DataScan scan, int batchSize) throws Exception {
    try (BufferAllocator allocator = new RootAllocator()) {
      long held;
      try (RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
        assertThat(stream.loadNextBatch()).isTrue();
        assertThat(stream.loadNextBatch()).isTrue();
        held = settled(allocator);
        while (stream.loadNextBatch()) {
          Thread.sleep(1);
        }
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
      return new long[] {held, allocator.getPeakMemoryAllocation()};
    }
  }

  /** The allocator's bytes once they stop changing for 1 s (the workers wait), at most 60 s. */
  private static long settled(BufferAllocator allocator) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long held = allocator.getAllocatedMemory();
    int unchanged = 0;
    while (unchanged < 10 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = allocator.getAllocatedMemory();
      unchanged = now == held ? unchanged + 1 : 0;
      held = now;
    }
    return held;
  }

  /** The most bytes the stream's root held for one batch, read serially. */
  private static long largestBatch(DataScan scan, int batchSize) throws IOException {
    long largest = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      while (stream.loadNextBatch()) {
        largest = Math.max(largest, allocator.getAllocatedMemory());
      }
    }
    return largest;
  }

  private static List<List<String>> batches(DataScan scan, int batchSize) {
    List<List<String>> batches = new ArrayList<>();
    readInto(scan, batchSize, batches);
    return batches;
  }

  /** Adds each batch's rows to {@code batches} as they come; closes its allocator (no leak). */
  private static void readInto(DataScan scan, int batchSize, List<List<String>> batches) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).isBetween(1, batchSize);
        batches.add(Rows.fromBatch(batch, schema));
      }
    }
  }

  private static List<String> plannedFiles(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return StreamSupport.stream(tasks.spliterator(), false)
          .map(task -> task.file().location())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reader threads still alive, waiting up to 5 s for a stopped pool's threads to end. */
  private static long readerThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (liveReaderThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return liveReaderThreads();
  }

  private static long liveReaderThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("floe-read-"))
        .count();
  }
}
