package dev.floe.scan;

import dev.floe.FloeException;
import dev.floe.reader.FileTaskReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/**
 * Reads up to {@code parallelism} data files at once, each on its own thread, and hands their
 * batches to the consumer as they are finished. Each batch holds rows of one file, and a file's
 * batches arrive in position order, but batches of different files interleave: waiting for the
 * files in plan order would need either unbounded buffering or workers idling behind the first
 * file.
 *
 * <p>The plan is consumed on the consumer's thread, in order; a file is opened (and its deletes
 * loaded) on its worker thread. Each file in flight owns a child allocator holding its decoder
 * state and the batch being decoded; finished batches wait in one queue of {@code parallelism}
 * batches, and their buffers move (Arrow transfer, no copy) into the consumer's root. So memory is
 * about {@code parallelism} times that of a one-file-at-a-time scan, plus one batch.
 */
final class ParallelFiles implements AutoCloseable {
  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final long STOP_WAIT_SECONDS = 60;

  /** How often a waiting consumer checks for a worker that ended without a word. */
  private static final long WATCH_MILLIS = 500;

  private final ScanPlan plan;
  private final Schema arrowSchema;
  private final BufferAllocator allocator;
  private final ExecutorService workers;
  private final Set<FileSlot> slots = new LinkedHashSet<>();
  private final BlockingQueue<Handoff> finished;
  private CloseableIterable<FileScanTask> tasks;
  private CloseableIterator<FileScanTask> taskIterator;
  private boolean planExhausted;
  private long files;
  private long bytesRead;
  private long deletedRows;
  private boolean closed;

  ParallelFiles(ScanPlan plan, Schema arrowSchema, BufferAllocator allocator) {
    this.plan = plan;
    this.arrowSchema = arrowSchema;
    this.allocator = allocator;
    this.workers = Executors.newFixedThreadPool(plan.parallelism(), threads(plan));
    this.finished = new ArrayBlockingQueue<>(plan.parallelism());
  }

  private static ThreadFactory threads(ScanPlan plan) {
    String prefix = "floe-read-" + STREAMS.incrementAndGet() + "-";
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Moves the next batch into {@code root}.
   *
   * @return the batch's row count, 0 when every file is done
   * @throws FloeException naming the table and file if a file cannot be read
   * @throws InterruptedIOException if the consumer's thread is interrupted while waiting
   */
  int next(VectorSchemaRoot root) throws InterruptedIOException {
    while (true) {
      startFiles();
      if (slots.isEmpty()) {
        return 0;
      }
      Handoff handoff = awaitHandoff();
      if (handoff.batch != null) {
        return handoff.moveTo(root);
      }
      finish(handoff.slot);
    }
  }

  /**
   * Waits for the next handoff. A worker always sends its file's end marker, from a {@code
   * finally}; should even that fail (an {@link Error} while queueing it), the worker's thread still
   * records that it ended, and the wait reports that file's failure instead of hanging.
   */
  private Handoff awaitHandoff() throws InterruptedIOException {
    try {
      while (true) {
        Handoff handoff = finished.poll(WATCH_MILLIS, TimeUnit.MILLISECONDS);
        if (handoff != null) {
          return handoff;
        }
        FileSlot lost = endedWithoutMarker();
        if (lost != null) {
          handoff = finished.poll(); // its marker may have come just after the wait timed out
          if (handoff != null) {
            return handoff;
          }
          slots.remove(lost);
          closeAllocator(lost, null);
          throw new FloeException(
              String.format(
                  "Cannot read table %s: file %s: its reader thread ended without finishing%s",
                  plan.context().tableName(),
                  lost.task.file().location(),
                  lost.failure == null ? "" : ": " + describe(lost.failure)),
              lost.failure);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException(
              "Interrupted while reading table " + plan.context().tableName());
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  private FileSlot endedWithoutMarker() {
    for (FileSlot slot : slots) {
      if (slot.exited) {
        return slot;
      }
    }
    return null;
  }

  /** Handles a file's end marker: releases its allocator and reports its failure, if any. */
  private void finish(FileSlot done) {
    slots.remove(done);
    deletedRows += done.deletedRows;
    RuntimeException failure = failureOf(done);
    closeAllocator(done, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private void closeAllocator(FileSlot slot, RuntimeException failure) {
    try {
      slot.allocator.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e); // the read failure is the one to report
    }
  }

  /** The worker's failure as the exception to throw; built here, on the consumer's thread. */
  private RuntimeException failureOf(FileSlot slot) {
    Throwable failure = slot.failure;
    if (failure == null) {
      return null;
    }
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure; // FileTaskReader's, naming table, file and position
    }
    return new FloeException(
        String.format(
            "Cannot read table %s: file %s: %s",
            plan.context().tableName(), slot.task.file().location(), describe(failure)),
        failure);
  }

  /** A failure's text, even if describing it fails too (an Error's toString may throw). */
  private static String describe(Throwable failure) {
    try {
      return String.valueOf(failure);
    } catch (Throwable e) {
      return failure.getClass().getName();
    }
  }

  /** Data files opened so far. */
  long files() {
    return files;
  }

  /** Bytes of the data file splits opened so far. */
  long bytesRead() {
    return bytesRead;
  }

  /** Rows removed by deletes in the files finished so far, plus those of files being read. */
  long deletedRows() {
    long inFlight = 0;
    for (FileSlot slot : slots) {
      inFlight += slot.deletedRows;
    }
    return deletedRows + inFlight;
  }

  private void startFiles() {
    if (taskIterator == null) {
      this.tasks = plan.planFiles();
      this.taskIterator = tasks.iterator();
    }
    while (!planExhausted && slots.size() < plan.parallelism()) {
      if (!taskIterator.hasNext()) {
        planExhausted = true;
        return;
      }
      FileScanTask task = taskIterator.next();
      BufferAllocator fileAllocator =
          allocator.newChildAllocator(
              "floe-parallel-file " + task.file().location(), 0, allocator.getLimit());
      FileSlot slot = new FileSlot(task, fileAllocator);
      slots.add(slot);
      files += 1;
      bytesRead += task.length();
      workers.execute(slot);
    }
  }

  /**
   * Stops every worker, releases every file and batch in flight and closes the plan. It waits for
   * the workers even if the calling thread is interrupted (a {@code Future.cancel(true)} of the
   * consumer's task, say), and restores the interrupt afterwards: returning early would leave
   * workers running and their buffers allocated.
   *
   * @throws FloeException if a worker does not stop or something cannot be released
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (FileSlot slot : slots) {
      slot.cancelled = true;
    }
    workers.shutdownNow();
    boolean interrupted = false;
    boolean stopped = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    while (true) {
      try {
        stopped = workers.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    RuntimeException failure = null;
    Handoff left;
    while ((left = finished.poll()) != null) {
      try {
        left.close();
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
    }
    if (stopped) {
      for (FileSlot slot : slots) {
        try {
          slot.allocator.close();
        } catch (RuntimeException e) {
          failure = add(failure, e);
        }
      }
      slots.clear();
    } else {
      failure =
          add(
              failure,
              new FloeException(
                  String.format(
                      "Reader threads of table %s did not stop within %d s",
                      plan.context().tableName(), STOP_WAIT_SECONDS)));
    }
    try {
      if (taskIterator != null) {
        taskIterator.close();
      }
      if (tasks != null) {
        tasks.close();
      }
    } catch (IOException e) {
      failure = add(failure, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      failure = add(failure, e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException add(RuntimeException failure, RuntimeException next) {
    if (failure == null) {
      return next;
    }
    failure.addSuppressed(next);
    return failure;
  }

  /**
   * A finished batch of a file, or the end of the file (batch null; the failure, if any, is the
   * slot's).
   */
  private static final class Handoff {
    private final FileSlot slot;
    private final VectorSchemaRoot batch;

    private Handoff(FileSlot slot, VectorSchemaRoot batch) {
      this.slot = slot;
      this.batch = batch;
    }

    /** Transfers the batch's buffers into {@code root}'s vectors and returns its row count. */
    int moveTo(VectorSchemaRoot root) {
      int rows = batch.getRowCount();
      List<FieldVector> from = batch.getFieldVectors();
      List<FieldVector> to = root.getFieldVectors();
      for (int i = 0; i < from.size(); i++) {
        from.get(i).makeTransferPair(to.get(i)).transfer();
      }
      root.setRowCount(rows);
      batch.close();
      return rows;
    }

    void close() {
      if (batch != null) {
        batch.close();
      }
    }
  }

  /** One data file in flight: read on a worker thread, handed over one batch at a time. */
  private final class FileSlot implements Runnable {
    private final FileScanTask task;
    private final BufferAllocator allocator;

    /** Made up front, so that ending the file needs no allocation (it may follow an OOM). */
    private final Handoff endOfFile = new Handoff(this, null);

    private volatile boolean cancelled;
    private volatile long deletedRows;
    private volatile Throwable failure;
    private volatile boolean exited;

    FileSlot(FileScanTask task, BufferAllocator allocator) {
      this.task = task;
      this.allocator = allocator;
    }

    @Override
    public void run() {
      try {
        try {
          read();
        } catch (Throwable e) {
          failure = e; // described on the consumer's thread: describing may fail too
        }
        // the file and its buffers are released before the consumer learns the file is done
        hand(endOfFile);
      } finally {
        exited = true;
      }
    }

    private void read() {
      try (VectorSchemaRoot work = VectorSchemaRoot.create(arrowSchema, allocator);
          FileTaskReader reader =
              FileTaskReader.open(
                  plan.context(), task, plan.readerOrder(work.getFieldVectors()), allocator)) {
        while (!cancelled && reader.next()) {
          deletedRows = reader.deletedRows();
          if (!hand(new Handoff(this, detach(work, reader.rowCount())))) {
            return;
          }
        }
        deletedRows = reader.deletedRows();
      }
    }

    /** Moves the decoded batch out of the reused vectors into a batch of its own. */
    private VectorSchemaRoot detach(VectorSchemaRoot work, int rows) {
      List<FieldVector> vectors = new ArrayList<>(work.getFieldVectors().size());
      for (FieldVector vector : work.getFieldVectors()) {
        TransferPair transfer = vector.getTransferPair(allocator);
        transfer.transfer();
        vectors.add((FieldVector) transfer.getTo());
      }
      VectorSchemaRoot batch = new VectorSchemaRoot(vectors);
      batch.setRowCount(rows);
      return batch;
    }

    /** Waits for room in the queue; false (and the handoff released) once the scan is closed. */
    private boolean hand(Handoff handoff) {
      try {
        while (!cancelled) {
          if (finished.offer(handoff, 100, TimeUnit.MILLISECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      handoff.close();
      return false;
    }
  }
}
