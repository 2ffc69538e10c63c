package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DataScan#parallelism}: several files read at once on worker threads give the same rows as
 * IcebergGenerics, one file per batch and each file in position order, with no buffer or thread
 * left behind however the scan ends (exhausted, limit, close mid-stream, a broken file).
 */
class TestParallelFiles {
  private static final int FILES = 12;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;
  private static Table deletesV3;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    parquet =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "many_parquet"),
            FixtureOptions.defaults().withRows(FILES * 3_000L),
            FILES);
    orc =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "many_orc"),
            FixtureOptions.defaults().withRows(FILES * 3_000L).withFormat(FileFormat.ORC),
            FILES);
    deletesV3 =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "deletes_v3"),
            FixtureOptions.defaults().withFormatVersion(3));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void returnsTheRowsIcebergGenericsReturns() {
    for (Table table : List.of(parquet, orc, deletesV3)) {
      for (int parallelism : new int[] {2, 3, 16}) {
        for (int batchSize : new int[] {1, 7, 4096}) {
          if (batchSize == 1 && table != deletesV3) {
            continue; // 36K single-row batches add time, not coverage
          }
          Differential.assertSameRows(
              new Differential.Case(table, null, null, null), batchSize, parallelism);
        }
        Differential.assertSameRows(
            new Differential.Case(
                table, null, Expressions.greaterThan(filterColumn(table), 0), null),
            1000,
            parallelism);
      }
    }
  }

  private static String filterColumn(Table table) {
    return table.schema().findField("v") != null ? "v" : table.schema().columns().get(0).name();
  }

  @Test
  void everyBatchHoldsOneFileAndEachFileComesInPositionOrder() {
    for (Table table : List.of(parquet, orc)) {
      Map<String, Long> lastPosition = new HashMap<>();
      long rows = 0;
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream =
              DataScan.of(table)
                  .select("id")
                  .withMetadataColumns("_file", "_pos")
                  .parallelism(4)
                  .toRecordBatches(500, allocator)) {
        for (VectorSchemaRoot batch : stream) {
          VarCharVector files = (VarCharVector) batch.getVector("_file");
          BigIntVector positions = (BigIntVector) batch.getVector("_pos");
          String file = files.getObject(0).toString();
          for (int i = 0; i < batch.getRowCount(); i++) {
            assertThat(files.getObject(i).toString()).isEqualTo(file);
            long previous = lastPosition.getOrDefault(file, -1L);
            assertThat(positions.get(i)).isGreaterThan(previous);
            lastPosition.put(file, positions.get(i));
          }
          rows += batch.getRowCount();
        }
        assertThat(stream.filesRead()).isEqualTo(FILES);
        assertThat(stream.rowsRead()).isEqualTo(rows);
      }
      assertThat(lastPosition.keySet()).containsExactlyInAnyOrderElementsOf(plannedFiles(table));
    }
  }

  @Test
  void limitAndCloseMidStreamReleaseEveryBufferAndThread() throws Exception {
    assertThat(Differential.floeRows(DataScan.of(orc).limit(4_321).parallelism(4), 1000))
        .hasSize(4_321);
    try (BufferAllocator allocator = new RootAllocator()) {
      RecordBatchStream stream =
          DataScan.of(parquet).parallelism(8).toRecordBatches(100, allocator);
      assertThat(stream.loadNextBatch()).isTrue();
      assertThat(readerThreads()).isPositive();
      stream.close();
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
    assertThat(readerThreadsAfterStop()).isZero();
  }

  @Test
  void aBrokenFileFailsTheStreamWithTableAndFileAndNoLeak() throws Exception {
    Table broken =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "broken"),
            FixtureOptions.defaults().withRows(6 * 2_000L),
            6);
    String victim = plannedFiles(broken).get(3);
    Path path = Path.of(victim.replaceFirst("^file:", ""));
    byte[] garbage = Files.readAllBytes(path);
    for (int i = garbage.length / 3; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31);
    }
    Files.write(path, garbage);
    // Differential.floeRows closes its RootAllocator, which fails on a leaked buffer
    assertThatThrownBy(() -> Differential.floeRows(DataScan.of(broken).parallelism(3), 100))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining(broken.name())
        .hasMessageContaining(victim);
    Files.delete(path);
    assertThatThrownBy(() -> Differential.floeRows(DataScan.of(broken).parallelism(3), 100))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining(victim);
    assertThat(readerThreadsAfterStop()).isZero();
  }

  @Test
  void rejectsABadParallelismWhenTheScanIsBuilt() {
    assertThatThrownBy(() -> DataScan.of(parquet).parallelism(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid parallelism: 0");
    assertThatThrownBy(() -> DataScan.of(parquet).parallelism(ScanPlan.MAX_PARALLELISM + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> plannedFiles(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return java.util.stream.StreamSupport.stream(tasks.spliterator(), false)
          .map(task -> task.file().location())
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Reader threads still alive, waiting up to 5 s for them to end: a pool reports termination from
   * its last thread, which is alive for a moment after that.
   */
  private static long readerThreadsAfterStop() throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (readerThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return readerThreads();
  }

  private static long readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("floe-read-"))
        .count();
  }
}
