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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many scans at once on one allocator give exact rows and leak nothing; files that vanish after
 * planning fail the read with the file named and everything released.
 */
class TestConcurrentScans {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(4_000);
    parquet = Fixtures.deletes(warehouse.catalog(), TableIdentifier.of("db", "cp"), options);
    orc =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "co"),
            options.withFormat(FileFormat.ORC));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void sixteenScansAtOnceOnOneAllocatorGiveExactRows() throws Exception {
    List<DataScan> scans = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Table table = i % 2 == 0 ? parquet : orc;
      DataScan scan = DataScan.of(table).withMetadataColumns("_pos");
      if (i % 4 >= 2) {
        scan = scan.parallelism(2);
      }
      if (i % 8 >= 4) {
        scan = scan.filter(Expressions.lessThan("qty", 25));
      }
      scans.add(scan);
    }
    List<List<String>> expected = new ArrayList<>();
    for (DataScan scan : scans) {
      expected.add(Differential.floeRows(scan, 333));
    }
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Future<List<String>>> results = new ArrayList<>();
      for (DataScan scan : scans) {
        results.add(threads.submit(() -> rows(scan, allocator)));
      }
      for (int i = 0; i < scans.size(); i++) {
        assertThat(results.get(i).get(120, TimeUnit.SECONDS))
            .as("scan %d", i)
            .isEqualTo(expected.get(i));
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aStreamReadFromTwoThreadsAtOnceFailsClearly() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream =
            DataScan.of(parquet).parallelism(2).toRecordBatches(1, allocator)) {
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Runnable reader =
            () -> {
              try {
                for (int i = 0; i < 2_000 && failures.isEmpty(); i++) {
                  stream.loadNextBatch();
                }
              } catch (IOException | RuntimeException e) {
                failures.add(e);
              }
            };
        Future<?> second = other.submit(reader);
        reader.run();
        second.get(60, TimeUnit.SECONDS);
        assertThat(failures)
            .as("two threads in loadNextBatch at once")
            .isNotEmpty()
            .allSatisfy(
                failure ->
                    assertThat(failure)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("another thread"));
      } finally {
        other.shutdownNow();
      }
    }
  }

  @Test
  void filesRemovedAfterPlanningFailWithTheFileNamed() throws Exception {
    Table table =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "vanishing"),
            FixtureOptions.defaults().withRows(2_000));
    FileScanTask withDeletes = null;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty() && withDeletes == null) {
          withDeletes = task;
        }
      }
    }
    assertThat(withDeletes).isNotNull();
    DeleteFile delete = withDeletes.deletes().get(0);
    Path deletePath = Path.of(delete.location().replaceFirst("^file:", ""));
    Files.delete(deletePath);
    for (int parallelism : new int[] {1, 3}) {
      assertThatThrownBy(
              () -> Differential.floeRows(DataScan.of(table).parallelism(parallelism), 100))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(table.name())
          .hasMessageContaining("Cannot open data file")
          .hasMessageContaining(deletePath.toString());
    }
    Table other =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "vanishing_data"),
            FixtureOptions.defaults().withRows(2_000));
    String victim;
    try (CloseableIterable<FileScanTask> tasks = other.newScan().planFiles()) {
      victim = tasks.iterator().next().file().location();
    }
    Files.delete(Path.of(victim.replaceFirst("^file:", "")));
    for (int parallelism : new int[] {1, 3}) {
      assertThatThrownBy(
              () -> Differential.floeRows(DataScan.of(other).parallelism(parallelism), 100))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(other.name())
          .hasMessageContaining(victim);
    }
  }

  private static List<String> rows(DataScan scan, BufferAllocator allocator) {
    List<String> rows = new ArrayList<>();
    try (RecordBatchStream stream = scan.toRecordBatches(333, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        rows.addAll(Rows.fromBatch(batch, schema));
      }
    } catch (UncheckedIOException e) {
      throw e;
    }
    Collections.sort(rows);
    return rows;
  }
}
