package dev.floe.scan;

import dev.floe.FloeException;
import dev.floe.reader.FileTaskReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;

/**
 * Reads a scan's splits on up to {@code parallelism} threads and hands their batches to the
 * consumer in exactly the serial order: plan order, then position order within a file.
 *
 * <p>The unit of work is a split: a Parquet file is cut at its row groups (Iceberg's split offsets)
 * into about {@code 2 × parallelism} ranges, so one large file is read by every thread; an ORC file
 * is one unit (cutting it at stripes would cut its batches differently from a serial read, whose
 * batches span stripes). Each worker thread takes the next unit of the plan when it is free, so the
 * units are started in plan order, and the consumer takes the batches of the oldest unit first.
 * Each worker decodes its unit ahead into the reorder buffer: the unit's queue of finished batches.
 * All queues together hold at most {@code maxBufferedBytes}; a worker whose batch does not fit
 * waits, so a slow consumer stops the decoding at the budget. Two exceptions keep the scan moving:
 * the unit the consumer waits for may always queue a batch when its queue is empty, and any unit
 * may queue one when nothing is queued at all. Memory is then the budget plus, per thread, one open
 * file and one batch, plus the consumer's.
 *
 * <p>The plan is consumed lazily by the workers, one at a time and in order; a file is opened (and
 * its deletes loaded) on the worker that took it. Each unit owns a child allocator holding its
 * decoder state and its queued batches; a batch's buffers move (Arrow transfer, no copy) into the
 * consumer's root, and the unit's allocator is closed once its last batch is taken.
 */
final class ParallelSplits implements AutoCloseable {
  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final long STOP_WAIT_SECONDS = 60;

  /** How often a waiting consumer checks for a worker that ended without a word. */
  private static final long WATCH_MILLIS = 500;

  /**
   * Most units in flight (running, or finished with batches left), besides one per thread: the
   * budget bounds the units that hold batches, this bounds those whose rows were all deleted.
   */
  private static final int MAX_WAITING_UNITS = 64;

  /** Units a Parquet file is cut into per thread, when it has row groups enough. */
  private static final int SPLITS_PER_THREAD = 2;

  private final ScanPlan plan;
  private final Schema arrowSchema;
  private final BufferAllocator allocator;
  private final ExecutorService workers;
  private final long budget;

  /** Guards the units' queues, {@link #window}, {@link #buffered} and the counters. */
  private final Object lock = new Object();

  /** Held by the worker taking the next unit of the plan (before {@link #lock}). */
  private final Object planning = new Object();

  /** Units in plan order; the first is the one the consumer takes batches from. */
  private final ArrayDeque<Unit> window = new ArrayDeque<>();

  private long buffered;
  private volatile boolean stopped;
  private CloseableIterable<FileScanTask> tasks;
  private CloseableIterator<FileScanTask> taskIterator;
  private Iterator<FileScanTask> fileUnits = Collections.emptyIterator();
  private boolean planExhausted;
  private Throwable planFailure;
  private boolean failed;
  private int liveWorkers;
  private boolean started;
  private long files;
  private long bytesRead;
  private long deletedRows;
  private boolean closed;

  ParallelSplits(ScanPlan plan, Schema arrowSchema, BufferAllocator allocator) {
    this.plan = plan;
    this.arrowSchema = arrowSchema;
    this.allocator = allocator;
    this.budget = plan.maxBufferedBytes();
    this.workers = Executors.newFixedThreadPool(plan.parallelism(), threads());
  }

  private static ThreadFactory threads() {
    String prefix = "floe-read-" + STREAMS.incrementAndGet() + "-";
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Moves the next batch, in serial order, into {@code root}.
   *
   * @return the batch's row count, 0 when every split is done
   * @throws FloeException naming the table and file if a file cannot be read; the batches before
   *     the failure have all been returned
   * @throws InterruptedIOException if the consumer's thread is interrupted
   */
  int next(VectorSchemaRoot root) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(null);
    }
    start();
    while (true) {
      Unit head;
      Batch batch;
      synchronized (lock) {
        head = awaitHead();
        if (head == null) {
          return 0;
        }
        batch = head.batches.poll();
        if (batch != null) {
          buffered -= batch.bytes;
        } else {
          window.removeFirst(); // done, and every batch taken
        }
        lock.notifyAll(); // room in the budget, or a new head
      }
      if (batch != null) {
        return batch.moveTo(root);
      }
      finish(head);
    }
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    this.tasks = plan.planFiles();
    this.taskIterator = tasks.iterator();
    for (int i = 0; i < plan.parallelism(); i++) {
      synchronized (lock) {
        liveWorkers += 1;
      }
      workers.execute(new Worker());
    }
  }

  /**
   * Waits (holding {@link #lock}) until the head unit has a batch or is done, and returns it; null
   * when the plan is done. A worker always marks its unit done from a {@code finally}; should its
   * thread end without that (an {@link Error} in the worker's own bookkeeping), the wait reports
   * the unit's failure instead of hanging.
   */
  private Unit awaitHead() throws InterruptedIOException {
    try {
      while (true) {
        Unit head = window.peekFirst();
        if (head == null) {
          if (planFailure != null) {
            throw planFailure();
          }
          if (planExhausted) {
            return null;
          }
          if (liveWorkers == 0) {
            throw new FloeException(
                "Cannot read table "
                    + plan.context().tableName()
                    + ": its reader threads ended before the plan was read");
          }
        } else if (!head.batches.isEmpty() || head.done) {
          return head;
        } else if (head.exited) {
          window.removeFirst();
          closeAllocator(head, null);
          throw new FloeException(
              String.format(
                  "Cannot read table %s: file %s: its reader thread ended without finishing%s",
                  plan.context().tableName(),
                  head.task.file().location(),
                  head.failure == null ? "" : ": " + describe(head.failure)),
              head.failure);
        }
        lock.wait(WATCH_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(e);
    }
  }

  private RuntimeException planFailure() {
    if (planFailure instanceof RuntimeException runtime) {
      return runtime;
    }
    return new FloeException(
        String.format(
            "Cannot plan table %s: %s", plan.context().tableName(), describe(planFailure)),
        planFailure);
  }

  private InterruptedIOException interrupted(InterruptedException cause) {
    InterruptedIOException interrupted =
        new InterruptedIOException("Interrupted while reading table " + plan.context().tableName());
    if (cause != null) {
      interrupted.initCause(cause);
    }
    return interrupted;
  }

  /** Handles a unit whose batches are all taken: releases its allocator, reports its failure. */
  private void finish(Unit done) {
    deletedRows += done.deletedRows;
    RuntimeException failure = failureOf(done);
    closeAllocator(done, failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeAllocator(Unit unit, RuntimeException failure) {
    try {
      unit.allocator.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e); // the read failure is the one to report
    }
  }

  /** The worker's failure as the exception to throw; built here, on the consumer's thread. */
  private RuntimeException failureOf(Unit unit) {
    Throwable failure = unit.failure;
    if (failure == null) {
      return null;
    }
    if (failure instanceof RuntimeException) {
      return (RuntimeException) failure; // FileTaskReader's, naming table, file and position
    }
    return new FloeException(
        String.format(
            "Cannot read table %s: file %s: %s",
            plan.context().tableName(), unit.task.file().location(), describe(failure)),
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
    synchronized (lock) {
      return files;
    }
  }

  /** Bytes of the data file splits started so far. */
  long bytesRead() {
    synchronized (lock) {
      return bytesRead;
    }
  }

  /** Rows removed by deletes in the units finished so far, plus those of units in flight. */
  long deletedRows() {
    long inFlight = 0;
    synchronized (lock) {
      for (Unit unit : window) {
        inFlight += unit.deletedRows;
      }
    }
    return deletedRows + inFlight;
  }

  /**
   * Takes the next unit of the plan for the calling worker and puts it last in the window; null
   * once the plan is done, failed or the scan is stopped. Waits while the window is full.
   */
  private Unit takeUnit() throws InterruptedException {
    synchronized (planning) {
      synchronized (lock) {
        while (!stopped && window.size() >= MAX_WAITING_UNITS + plan.parallelism()) {
          lock.wait(WATCH_MILLIS);
        }
        if (stopped || planExhausted || failed) {
          return null;
        }
      }
      FileScanTask task;
      try {
        task = nextUnit();
      } catch (Throwable e) {
        synchronized (lock) {
          planFailure = e;
          planExhausted = true;
          lock.notifyAll();
        }
        return null;
      }
      synchronized (lock) {
        if (task == null) {
          planExhausted = true;
          lock.notifyAll();
          return null;
        }
        BufferAllocator unitAllocator =
            allocator.newChildAllocator(
                "floe-parallel-split " + task.file().location() + "@" + task.start(),
                0,
                allocator.getLimit());
        Unit unit = new Unit(task, unitAllocator);
        window.addLast(unit);
        bytesRead += task.length();
        return unit;
      }
    }
  }

  /** The next unit of the plan, or null when the plan is done; holding {@link #planning}. */
  private FileScanTask nextUnit() {
    while (!fileUnits.hasNext()) {
      if (!taskIterator.hasNext()) {
        return null;
      }
      FileScanTask task = taskIterator.next();
      synchronized (lock) {
        files += 1;
      }
      fileUnits = units(task).iterator();
    }
    return fileUnits.next();
  }

  /**
   * A Parquet file task cut at its row groups into about {@code 2 × parallelism} ranges of
   * consecutive row groups (Iceberg's offset-aware split: each range starts at a row group); other
   * tasks whole. Batches never span row groups, so the batches of the ranges are the file's.
   */
  private Iterable<FileScanTask> units(FileScanTask task) {
    if (task.file().format() != FileFormat.PARQUET
        || task.file().splitOffsets() == null
        || task.file().splitOffsets().size() < 2) {
      return List.of(task);
    }
    long target = Math.max(1, task.length() / ((long) SPLITS_PER_THREAD * plan.parallelism()));
    try {
      return task.split(target);
    } catch (UnsupportedOperationException e) {
      return List.of(task); // a task that cannot be cut is read whole
    }
  }

  /**
   * Stops every worker, releases every unit and batch in flight and closes the plan. It waits for
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
    stopped = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    workers.shutdownNow();
    boolean interrupted = false;
    boolean terminated = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    while (true) {
      try {
        terminated = workers.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    RuntimeException failure = null;
    List<Unit> left;
    synchronized (lock) {
      left = new ArrayList<>(window);
      window.clear();
      buffered = 0;
    }
    for (Unit unit : left) {
      Batch batch;
      while ((batch = unit.batches.poll()) != null) {
        try {
          batch.close();
        } catch (RuntimeException e) {
          failure = add(failure, e);
        }
      }
    }
    if (terminated) {
      for (Unit unit : left) {
        try {
          unit.allocator.close();
        } catch (RuntimeException e) {
          failure = add(failure, e);
        }
      }
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

  /** A finished batch of a unit, with the bytes it holds. */
  private static final class Batch {
    private final VectorSchemaRoot root;
    private final long bytes;

    Batch(VectorSchemaRoot root) {
      this.root = root;
      this.bytes = heldBytes(root);
    }

    /** Transfers the batch's buffers into {@code target}'s vectors and returns its row count. */
    int moveTo(VectorSchemaRoot target) {
      int rows = root.getRowCount();
      List<FieldVector> from = root.getFieldVectors();
      List<FieldVector> to = target.getFieldVectors();
      for (int i = 0; i < from.size(); i++) {
        from.get(i).makeTransferPair(to.get(i)).transfer();
      }
      target.setRowCount(rows);
      root.close();
      return rows;
    }

    void close() {
      root.close();
    }

    /** Bytes the allocator accounts for the batch's buffers, each allocation counted once. */
    private static long heldBytes(VectorSchemaRoot root) {
      Set<ReferenceManager> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      long bytes = 0;
      List<FieldVector> pending = new ArrayList<>(root.getFieldVectors());
      while (!pending.isEmpty()) {
        FieldVector vector = pending.remove(pending.size() - 1);
        for (ArrowBuf buffer : vector.getFieldBuffers()) {
          ReferenceManager reference = buffer.getReferenceManager();
          if (reference != ReferenceManager.NO_OP && seen.add(reference)) {
            bytes += reference.getAccountedSize();
          }
        }
        pending.addAll(vector.getChildrenFromFields());
      }
      return bytes;
    }
  }

  /** A reader thread: reads the next unit of the plan until the plan is done or the scan stops. */
  private final class Worker implements Runnable {
    @Override
    public void run() {
      try {
        while (!stopped) {
          Unit unit = takeUnit();
          if (unit == null) {
            return;
          }
          unit.run();
          if (unit.failure != null) {
            synchronized (lock) {
              failed = true; // the stream ends at this unit: the units after it are not needed
            }
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close() stops the pool by interrupting
      } finally {
        synchronized (lock) {
          liveWorkers -= 1;
          lock.notifyAll();
        }
      }
    }
  }

  /** One split in flight: read on a worker thread into its queue of batches. */
  private final class Unit implements Runnable {
    private final FileScanTask task;
    private final BufferAllocator allocator;

    /** Finished batches, oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();

    /** Set, under {@link #lock}, once the worker is done with the unit (failed or not). */
    private boolean done;

    private volatile long deletedRows;
    private volatile Throwable failure;
    private volatile boolean exited;

    Unit(FileScanTask task, BufferAllocator allocator) {
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
        // the file and its decoder state are released before the consumer learns the unit is done
        synchronized (lock) {
          done = true;
          lock.notifyAll();
        }
      } finally {
        exited = true;
      }
    }

    private void read() {
      try (VectorSchemaRoot work = VectorSchemaRoot.create(arrowSchema, allocator);
          FileTaskReader reader =
              FileTaskReader.open(
                  plan.context(), task, plan.readerOrder(work.getFieldVectors()), allocator)) {
        while (!stopped && reader.next()) {
          deletedRows = reader.deletedRows();
          if (!hand(new Batch(detach(work, reader.rowCount())))) {
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

    /**
     * Queues the batch once the budget has room for it; false (and the batch released) once the
     * scan is stopped.
     */
    private boolean hand(Batch batch) {
      try {
        synchronized (lock) {
          while (!stopped) {
            if (fits(batch)) {
              batches.addLast(batch);
              buffered += batch.bytes;
              lock.notifyAll();
              return true;
            }
            lock.wait(WATCH_MILLIS);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // close() stops the pool by interrupting
      }
      batch.close();
      return false;
    }

    /** Holding {@link #lock}: whether the batch may be queued now. */
    private boolean fits(Batch batch) {
      return buffered + batch.bytes <= budget
          || buffered == 0
          || (window.peekFirst() == this && batches.isEmpty());
    }
  }
}
