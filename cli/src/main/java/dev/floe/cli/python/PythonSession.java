package dev.floe.cli.python;

import static java.util.Objects.requireNonNull;

import dev.floe.cli.CatalogOptions;
import dev.floe.cli.ScanArguments;
import dev.floe.cli.TableOptions;
import dev.floe.cli.UsageException;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What the Python package ({@code python/floe}) calls in its in-process JVM: tables opened and
 * scans resolved exactly as the {@code floe} command does (catalog properties, {@code
 * --rewrite-prefix}, {@code --select}, {@code --filter} with SQL null semantics, {@code
 * --snapshot}, {@code --limit}), with plain-typed arguments, and scans exported through the Arrow C
 * stream interface into a struct Python allocated and pyarrow then owns.
 *
 * <p>One session per JVM, hence per Python process. It owns the root allocator every scan and every
 * exported batch allocates from; {@link #openScans()} and {@link #allocatedBytes()} tell the leak
 * tests that a closed, exhausted or garbage-collected reader left nothing behind.
 *
 * <p>Every method throws {@link PythonException} (one-line message, usage or failure) instead of
 * the exception it caught. Thread safe: scans are independent.
 */
public final class PythonSession implements AutoCloseable {
  private final BufferAllocator root;
  private final AtomicInteger openScans = new AtomicInteger();

  /** A session whose Arrow memory may grow to {@code limitBytes} (reads fail beyond it). */
  public PythonSession(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid Arrow memory limit: " + limitBytes + ", expected > 0");
    }
    this.root = new RootAllocator(limitBytes);
  }

  /**
   * Opens a table: an identifier in the catalog the properties describe (none: the embedded SQLite
   * catalog of {@code ./warehouse}), or a metadata file or table directory.
   *
   * @param catalog Iceberg catalog properties, or null
   * @param prefixes FROM → TO location prefixes read from elsewhere, in order, or null
   */
  public PythonTable loadTable(
      String reference, Map<String, String> catalog, Map<String, String> prefixes) {
    Map<String, String> properties = catalog == null ? Map.of() : catalog;
    try {
      return new PythonTable(
          TableOptions.open(
              reference,
              () -> CatalogOptions.resolve(null, properties),
              prefixes == null ? Map.of() : prefixes));
    } catch (RuntimeException e) {
      throw new PythonException(e);
    }
  }

  /**
   * Resolves a scan of the table and exports it into the {@code ArrowArrayStream} at {@code
   * streamAddress}; the stream, once imported by pyarrow, owns the scan and closes it when
   * released.
   *
   * @param columns columns in output order, or null for all
   * @param filter SQL condition ({@code floe --filter}), or null
   * @param snapshotId snapshot to read, or null for the current one
   * @param limit most rows, or null
   */
  public PythonScan scan(
      PythonTable table,
      String[] columns,
      String filter,
      Long snapshotId,
      Long limit,
      int batchSize,
      long streamAddress) {
    requireNonNull(table, "table is null");
    RecordBatchStream stream;
    try {
      List<String> selected = columns == null ? null : Arrays.asList(columns);
      stream =
          ScanArguments.of(selected, filter, snapshotId, limit)
              .resolve(table.table(), null)
              .open(batchSize, root);
    } catch (RuntimeException e) {
      throw new PythonException(e);
    }
    return export(table, stream, streamAddress);
  }

  /**
   * Plans a scan of the table as splits of about {@code targetBytes} each (manifests only).
   *
   * @throws PythonException as {@link #scan}, or for a target of 0 or less
   */
  public List<PythonSplit> planSplits(
      PythonTable table, long targetBytes, String[] columns, String filter, Long snapshotId) {
    requireNonNull(table, "table is null");
    try {
      List<String> selected = columns == null ? null : Arrays.asList(columns);
      DataScan scan =
          ScanArguments.of(selected, filter, snapshotId, null)
              .resolve(table.table(), null)
              .dataScan();
      List<PythonSplit> planned = new ArrayList<>();
      try (CloseableIterable<ScanSplit> splits = plan(scan, targetBytes)) {
        for (ScanSplit split : splits) {
          planned.add(
              new PythonSplit(
                  split.toJson(), split.estimatedRows(), split.estimatedBytes(), split.files()));
        }
      }
      return planned;
    } catch (IOException e) {
      throw new PythonException(new UncheckedIOException("Cannot plan splits", e));
    } catch (RuntimeException e) {
      throw new PythonException(e);
    }
  }

  private static CloseableIterable<ScanSplit> plan(DataScan scan, long targetBytes) {
    try {
      return scan.planSplits(targetBytes);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /**
   * Opens one split of {@link #planSplits} (its JSON) on this process's handle of the table and
   * exports it into the {@code ArrowArrayStream} at {@code streamAddress}, as {@link #scan} does.
   */
  public PythonScan readSplit(
      PythonTable table, String splitJson, int batchSize, long streamAddress) {
    requireNonNull(table, "table is null");
    RecordBatchStream stream;
    try {
      ScanSplit split;
      try {
        split = ScanSplit.fromJson(splitJson);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
      try {
        stream = split.open(table.table(), batchSize, root);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    } catch (RuntimeException e) {
      throw new PythonException(e);
    }
    return export(table, stream, streamAddress);
  }

  /** Scans that are open: exported, not read to their end and not released by their consumer. */
  public int openScans() {
    return openScans.get();
  }

  /** Arrow memory allocated now: open scans and every batch Python still holds. */
  public long allocatedBytes() {
    return root.getAllocatedMemory();
  }

  /** The most Arrow memory allocated at once so far. */
  public long peakBytes() {
    return root.getPeakMemoryAllocation();
  }

  /** Releases the root allocator; fails if a scan is open or Python still holds a batch. */
  @Override
  public void close() {
    root.close();
  }

  private PythonScan export(PythonTable table, RecordBatchStream stream, long streamAddress) {
    try {
      table.scanOpened();
    } catch (RuntimeException e) {
      stream.close();
      throw new PythonException(e);
    }
    openScans.incrementAndGet();
    ExportedScan exported =
        new ExportedScan(
            stream,
            root,
            () -> {
              openScans.decrementAndGet();
              table.scanClosed();
            });
    try {
      // wrap() borrows Python's struct: nothing to free here, pyarrow takes the stream from it
      Data.exportArrayStream(root, exported, ArrowArrayStream.wrap(streamAddress));
    } catch (RuntimeException | Error e) {
      try {
        exported.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new PythonException(e);
    }
    return new PythonScan(exported);
  }
}
