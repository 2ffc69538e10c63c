package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * However a parallel read ends early — the consumer interrupted, its task cancelled, the limit
 * reached, a worker dying of an {@link Error} — every worker stops, every buffer is released and
 * the consumer never waits forever.
 */
class TestParallelFilesStopping {
  private static final int FILES = 8;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(FILES * 20_000L);
    parquet =
        Fixtures.manyFiles(
            warehouse.catalog(), TableIdentifier.of("db", "stop_parquet"), options, FILES);
    orc =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "stop_orc"),
            options.withFormat(FileFormat.ORC),
            FILES);
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void interruptingTheConsumerStopsEveryWorkerAndLeaksNothing() throws Exception {
    for (Table table : List.of(parquet, orc)) {
      for (int run = 0; run < 4; run++) {
        try (BufferAllocator allocator = new RootAllocator()) {
          RecordBatchStream stream =
              DataScan.of(table).parallelism(4).toRecordBatches(1_000, allocator);
          assertThat(stream.loadNextBatch()).isTrue();
          Thread.currentThread().interrupt();
          assertThatThrownBy(stream::loadNextBatch)
              .isInstanceOf(InterruptedIOException.class)
              .hasMessageContaining(table.name())
              .hasNoSuppressedExceptions();
          assertThat(Thread.interrupted()).as("interrupt restored").isTrue();
          assertThat(readerThreads()).as("%s run %d", table.name(), run).isZero();
          stream.close();
        } // the allocator fails to close if a batch or a file's buffers leaked
      }
    }
  }

  @Test
  void cancellingTheConsumersTaskStopsEveryWorkerAndLeaksNothing() throws Exception {
    ExecutorService consumers = Executors.newSingleThreadExecutor();
    try {
      for (int run = 0; run < 4; run++) {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Throwable> closeFailure = new AtomicReference<>();
        try (BufferAllocator allocator = new RootAllocator()) {
          Future<?> task =
              consumers.submit(
                  () -> {
                    try (RecordBatchStream stream =
                        DataScan.of(parquet).parallelism(4).toRecordBatches(100, allocator)) {
                      while (stream.loadNextBatch()) {
                        reading.countDown();
                      }
                    } catch (IOException | RuntimeException e) {
                      if (!(e instanceof InterruptedIOException)) {
                        closeFailure.set(e);
                      }
                    } finally {
                      ended.countDown();
                    }
                    return null;
                  });
          assertThat(reading.await(60, TimeUnit.SECONDS)).isTrue();
          task.cancel(true);
          assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
          assertThat(closeFailure.get()).isNull();
          assertThat(readerThreads()).isZero();
          assertThat(allocator.getAllocatedMemory()).isZero();
        }
      }
    } finally {
      consumers.shutdownNow();
    }
  }

  @Test
  void reachingTheLimitStopsTheWorkersBeforeTheStreamIsClosed() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream =
            DataScan.of(parquet).limit(150).parallelism(4).toRecordBatches(100, allocator)) {
      assertThat(stream.loadNextBatch()).isTrue();
      assertThat(stream.loadNextBatch()).isTrue();
      assertThat(stream.getVectorSchemaRoot().getRowCount()).isEqualTo(50);
      assertThat(stream.rowsRead()).isEqualTo(150);
      assertThat(readerThreads()).as("workers stopped at the limit").isZero();
      assertThat(stream.getVectorSchemaRoot().getVector("id").getObject(49)).isNotNull();
      assertThat(stream.loadNextBatch()).isFalse();
    }
  }

  @Test
  void aWorkerDyingOfAnErrorFailsTheStreamInsteadOfHanging() throws Exception {
    String victim = plannedFiles(parquet).get(2);
    Table failing = withIo(parquet, new ErrorOnOpen(parquet.io(), victim));
    assertTimeoutPreemptively(
        Duration.ofSeconds(90),
        () ->
            assertThatThrownBy(
                    () -> Differential.floeRows(DataScan.of(failing).parallelism(3), 500))
                .isInstanceOf(FloeException.class)
                .hasMessageContaining(parquet.name())
                .hasMessageContaining(victim));
    assertThat(readerThreads()).isZero();
  }

  private static Table withIo(Table table, FileIO io) {
    String metadata = ((HasTableOperations) table).operations().current().metadataFileLocation();
    return new BaseTable(new StaticTableOperations(metadata, io), table.name());
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

  /**
   * Reader threads still alive, waiting up to 5 s for them to end: a pool reports termination from
   * its last thread, which is alive for a moment after that.
   */
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

  /**
   * An {@link Error} that cannot even be described: building a message from it fails again, as an
   * {@code OutOfMemoryError} in {@code String.format} would.
   */
  private static final class UndescribableError extends Error {
    UndescribableError() {
      super(null, null, false, false);
    }

    @Override
    public String getMessage() {
      throw new OutOfMemoryError("injected: cannot describe the failure");
    }

    @Override
    public String toString() {
      throw new OutOfMemoryError("injected: cannot describe the failure");
    }
  }

  /** The table's own FileIO, except that opening one data file throws an Error. */
  private static final class ErrorOnOpen implements FileIO {
    private final FileIO delegate;
    private final String victim;

    ErrorOnOpen(FileIO delegate, String victim) {
      this.delegate = delegate;
      this.victim = victim;
    }

    @Override
    public InputFile newInputFile(String path) {
      if (path.equals(victim)) {
        throw new UndescribableError();
      }
      return delegate.newInputFile(path);
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return delegate.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      delegate.deleteFile(path);
    }
  }
}
