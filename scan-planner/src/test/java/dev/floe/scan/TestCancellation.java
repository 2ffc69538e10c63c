package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan stopped at seeded random points — closed from another thread while the consumer is inside
 * {@code loadNextBatch}, the consumer's thread interrupted, its task cancelled with {@code
 * Future.cancel(true)}, abandoned mid-stream and closed later from another thread, or ended by its
 * limit — at parallelism 1 and 3, on Parquet and ORC tables with deletes: within 1 s of the stop no
 * byte is allocated, no {@code floe-read-*} thread is alive and no file of the table is open
 * ({@code /proc/self/fd}), and the consumer saw only whole, exact batches or the documented ending.
 *
 * <p>{@value #DEFAULT_POINTS} points by default; {@code -Dfloe.cancel.points=N} for more.
 */
class TestCancellation {
  static final int DEFAULT_POINTS = 1_000;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;
  private static long parquetIdSum;
  private static long orcIdSum;
  private static long parquetRows;
  private static long orcRows;

  enum Stop {
    CLOSE_FROM_ANOTHER_THREAD,
    INTERRUPT,
    CANCEL_TASK,
    ABANDON_THEN_CLOSE,
    LIMIT
  }

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(4_000).withRowGroupBytes(16 << 10);
    parquet = Fixtures.deletes(warehouse.catalog(), TableIdentifier.of("db", "cancel_p"), options);
    orc =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "cancel_o"),
            options.withFormat(FileFormat.ORC));
    parquetIdSum = idSum(parquet);
    orcIdSum = idSum(orc);
    parquetRows = Differential.floeRows(DataScan.of(parquet), 1000).size();
    orcRows = Differential.floeRows(DataScan.of(orc), 1000).size();
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void aScanStoppedAtRandomPointsReleasesEveryBufferThreadAndFile() throws Exception {
    int points = Integer.getInteger("floe.cancel.points", DEFAULT_POINTS);
    long seed = Long.getLong("floe.cancel.seed", 14L);
    assertThat(Leaks.canCountFiles()).as("/proc/self/fd").isTrue();
    stopAt(new SplittableRandom(seed), -1); // warm up: classes loaded, jars opened
    int filesBefore = Leaks.openFileCount();
    int[] byStop = new int[Stop.values().length];
    for (int point = 0; point < points; point++) {
      SplittableRandom random = new SplittableRandom(seed * 7919 + point);
      byStop[stopAt(random, point).ordinal()]++;
    }
    assertThat(byStop).as("points per kind of stop").doesNotContain(0);
    // descriptors outside the warehouse (jars, sockets) may come and go, but not one per point
    assertThat(Leaks.openFileCount()).isLessThan(filesBefore + 16);
  }

  /** One stop at a random point, on a consumer thread of its own; returns which kind. */
  private static Stop stopAt(SplittableRandom random, int point) throws Exception {
    // a thread per point: an interrupt that arrives late cannot reach the next point's consumer
    ExecutorService consumers = Executors.newSingleThreadExecutor();
    try {
      return stopAt(consumers, random, point);
    } finally {
      consumers.shutdownNow();
      assertThat(consumers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** One stop at a random point; returns which kind. */
  private static Stop stopAt(ExecutorService consumers, SplittableRandom random, int point)
      throws Exception {
    Stop stop = Stop.values()[random.nextInt(Stop.values().length)];
    boolean isParquet = random.nextBoolean();
    Table table = isParquet ? parquet : orc;
    long idSum = isParquet ? parquetIdSum : orcIdSum;
    int parallelism = random.nextBoolean() ? 1 : 3;
    int batchSize = 1 + random.nextInt(random.nextBoolean() ? 50 : 2_000);
    int stopAfterBatches = random.nextInt(1 + 3_000 / batchSize);
    long delayMicros = random.nextLong(2_000);
    String what =
        String.format(
            "point %d: %s %s parallelism %d batch %d after %d batches + %d us",
            point, stop, table.name(), parallelism, batchSize, stopAfterBatches, delayMicros);

    BufferAllocator allocator = new RootAllocator();
    DataScan scan = DataScan.of(table).parallelism(parallelism);
    long limit = stop == Stop.LIMIT ? 1 + random.nextLong(3_000) : -1;
    if (limit > 0) {
      scan = scan.limit(limit);
    }
    RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator);
    Consumer consumer =
        new Consumer(stream, stop == Stop.ABANDON_THEN_CLOSE ? stopAfterBatches : -1);
    Future<?> task = consumers.submit(consumer);
    if (stop != Stop.LIMIT && stop != Stop.ABANDON_THEN_CLOSE) {
      consumer.awaitInsideCall(stopAfterBatches);
      sleepMicros(delayMicros);
      switch (stop) {
        case CLOSE_FROM_ANOTHER_THREAD -> {
          consumer.closedElsewhere = true;
          stream.close();
        }
        case INTERRUPT -> consumer.interrupt();
        case CANCEL_TASK -> task.cancel(true);
        default -> throw new IllegalStateException(stop.toString());
      }
    }
    assertThat(consumer.ended.await(10, TimeUnit.SECONDS)).as("%s: consumer ended", what).isTrue();
    if (stop == Stop.ABANDON_THEN_CLOSE) {
      stream.close(); // from this thread, not the consumer's
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    List<String> left = Leaks.awaitNoneLeft(dir, 1_000);
    while (allocator.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(left).as("%s: threads and files left", what).isEmpty();
    assertThat(allocator.getAllocatedMemory()).as("%s: bytes left", what).isZero();
    allocator.close();

    Throwable failure = consumer.failure.get();
    switch (stop) {
      case CLOSE_FROM_ANOTHER_THREAD -> {
        // the loop ends when a call returns false, or when it calls again after the close
        if (failure != null) {
          assertThat(failure)
              .as(what)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("closed");
        }
      }
      case INTERRUPT, CANCEL_TASK -> {
        if (failure != null) {
          assertThat(interrupted(failure)).as("%s: %s", what, failure).isTrue();
        } else {
          assertThat(consumer.idSum).as("%s: read to the end", what).isEqualTo(idSum);
        }
      }
      case ABANDON_THEN_CLOSE -> assertThat(failure).as(what).isNull();
      case LIMIT -> {
        assertThat(failure).as(what).isNull();
        assertThat(consumer.rows)
            .as(what)
            .isEqualTo(Math.min(limit, isParquet ? parquetRows : orcRows));
      }
      default -> throw new IllegalStateException(stop.toString());
    }
    return stop;
  }

  private static boolean interrupted(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InterruptedException
          || cause instanceof InterruptedIOException
          || cause instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }

  /** Reads the stream, summing ids, until it ends, fails or has read {@code maxBatches}. */
  private static final class Consumer implements Runnable {
    private final RecordBatchStream stream;
    private final int maxBatches;
    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread thread;
    private volatile boolean closedElsewhere;
    private long idSum;
    private long rows;

    Consumer(RecordBatchStream stream, int maxBatches) {
      this.stream = stream;
      this.maxBatches = maxBatches;
    }

    @Override
    public void run() {
      thread = Thread.currentThread();
      try {
        VectorSchemaRoot root = stream.getVectorSchemaRoot();
        while (maxBatches < 0 || calls.get() < maxBatches) {
          calls.incrementAndGet();
          if (!stream.loadNextBatch()) {
            break;
          }
          BigIntVector ids = (BigIntVector) root.getVector("id");
          try {
            for (int row = 0; row < root.getRowCount(); row++) {
              idSum += ids.get(row);
            }
          } catch (IndexOutOfBoundsException e) {
            // the batch being read was released by a close() from another thread: the user's race
            // (close waits for a running loadNextBatch, not for the reading of its batch)
            if (closedElsewhere) {
              break;
            }
            throw e;
          }
          rows += root.getRowCount();
        }
        if (maxBatches < 0) {
          stream.close();
        }
      } catch (Throwable e) {
        failure.set(e);
        if (maxBatches < 0) {
          stream.close();
        }
      } finally {
        Thread.interrupted(); // the pool's thread goes back clean
        ended.countDown();
      }
    }

    /** Waits until the consumer has started call number {@code call} (or has ended). */
    void awaitInsideCall(int call) throws InterruptedException {
      while (calls.get() <= call && ended.getCount() > 0) {
        Thread.onSpinWait();
      }
    }

    void interrupt() {
      Thread running = thread;
      if (running != null && ended.getCount() > 0) {
        running.interrupt();
      }
    }
  }

  private static void sleepMicros(long micros) throws InterruptedException {
    long until = System.nanoTime() + micros * 1_000;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  private static long idSum(Table table) {
    long sum = 0;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = DataScan.of(table).toRecordBatches(1000, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int row = 0; row < batch.getRowCount(); row++) {
          sum += ids.get(row);
        }
      }
    }
    return sum;
  }
}
