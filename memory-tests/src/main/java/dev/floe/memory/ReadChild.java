package dev.floe.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.fixtures.Warehouse;
import dev.floe.memory.ChildReport.Outcome;
import java.io.PrintStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The child JVM's entry point: reads one table in one {@link ReadMode} and prints one {@link
 * ChildReport} line, prefixed with {@link #RESULT_PREFIX}, on stdout. Exits 0 when the read
 * completed, {@value #EXIT_OUT_OF_MEMORY} on any out-of-memory condition (Java heap, direct memory
 * or the Arrow allocator's limit) and {@value #EXIT_FAILED} on any other failure.
 *
 * <p>An {@link OutOfMemoryError} in the reading thread is caught here: by the time it reaches this
 * frame the rows it was filling are unreachable, so there is room to report. One in any other
 * thread halts the JVM with the same exit code after printing what it can.
 */
public final class ReadChild {
  static final String RESULT_PREFIX = "FLOE-MEMORY-RESULT ";
  static final int EXIT_OUT_OF_MEMORY = 3;
  static final int EXIT_FAILED = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReadChild() {}

  public static void main(String[] args) {
    ReadRequest request = ReadRequest.fromArgs(args);
    PrintStream out = System.out;
    TableReads.Progress progress = new TableReads.Progress();
    LiveHeap heap = LiveHeap.watch();
    long start = System.nanoTime();
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          Outcome outcome = isOutOfMemory(error) ? Outcome.OUT_OF_MEMORY : Outcome.FAILED;
          report(out, outcome, progress, heap, start, thread.getName() + ": " + describe(error));
          Runtime.getRuntime().halt(exitCode(outcome));
        });
    Outcome outcome;
    String error = null;
    try {
      read(request, progress);
      outcome = Outcome.COMPLETED;
    } catch (Throwable e) {
      outcome = isOutOfMemory(e) ? Outcome.OUT_OF_MEMORY : Outcome.FAILED;
      error = describe(e);
      if (outcome == Outcome.FAILED) {
        e.printStackTrace();
      }
    }
    report(out, outcome, progress, heap, start, error);
    System.exit(exitCode(outcome));
  }

  private static void read(ReadRequest request, TableReads.Progress progress) throws Exception {
    try (Warehouse warehouse = Warehouse.hadoop(request.warehouse());
        BufferAllocator allocator = new RootAllocator(request.allocatorLimitBytes())) {
      Table table = warehouse.catalog().loadTable(TableIdentifier.parse(request.table()));
      try {
        TableReads.read(table, request.mode(), request.batchSize(), allocator, progress);
      } finally {
        progress.arrowPeakBytes = allocator.getPeakMemoryAllocation();
      }
    }
  }

  private static void report(
      PrintStream out,
      Outcome outcome,
      TableReads.Progress progress,
      LiveHeap heap,
      long start,
      String error) {
    ChildReport report =
        new ChildReport(
            outcome,
            progress.rows,
            outcome == Outcome.COMPLETED ? progress.checksum : 0,
            progress.batches,
            progress.files,
            System.nanoTime() - start,
            ProcStatus.self().hwmBytes(),
            progress.arrowPeakBytes,
            heap.peakBytes(),
            error);
    try {
      out.println(RESULT_PREFIX + JSON.writeValueAsString(report));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the child's report", e);
    }
    out.flush();
  }

  /** Heap or direct-memory exhaustion, or the Arrow allocator's limit, anywhere in the chain. */
  static boolean isOutOfMemory(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      if (e instanceof OutOfMemoryError || e instanceof OutOfMemoryException) {
        return true;
      }
    }
    return false;
  }

  private static int exitCode(Outcome outcome) {
    return switch (outcome) {
      case COMPLETED -> 0;
      case OUT_OF_MEMORY -> EXIT_OUT_OF_MEMORY;
      case FAILED -> EXIT_FAILED;
    };
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder(error.toString());
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      text.append(" <- ").append(cause);
    }
    return text.toString();
  }
}
