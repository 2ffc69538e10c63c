package dev.floe.cli;

import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.TableOptions.OpenTable;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Shows what a scan would read — data files with their format, size, record count and the delete
 * files Iceberg applies to each — and the scan's expected peak memory. Reads manifests only.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Show the files a scan reads (format, size, records, row groups or stripes), the delete"
          + " files applied to each data file, and the scan's expected peak memory.",
      "Reads manifests only; no data file is opened."
    },
    footer = {
      "",
      "Examples:",
      "  floe plan demo.events_parquet",
      "  floe plan demo.events_orc --filter \"category = 'beta'\" --select id,qty"
    })
final class PlanCommand implements Callable<Integer> {
  @ParentCommand Floe floe;

  @Parameters(index = "0", paramLabel = "TABLE", description = TableOptions.TABLE_DESCRIPTION)
  String table;

  @Option(
      names = "--batch-size",
      paramLabel = "ROWS",
      defaultValue = "10000",
      description = "Rows per Arrow batch the estimate assumes (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin TableOptions tableOptions;
  @Mixin ScanArguments scan;

  @Override
  public Integer call() throws Exception {
    try (OpenTable open = tableOptions.open(table)) {
      ResolvedScan resolved = scan.resolve(open.table(), null);
      Schema output = outputSchema(resolved);
      print(floe.io().out(), resolved, output);
    }
    return Floe.OK;
  }

  /** The scan's output columns, validated the way a read validates them (no file is opened). */
  private Schema outputSchema(ResolvedScan resolved) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = resolved.open(batchSize, allocator)) {
      return stream.icebergSchema();
    }
  }

  private void print(PrintStream out, ResolvedScan resolved, Schema output) throws IOException {
    Table t = resolved.table();
    Snapshot snapshot = resolved.tableScan().snapshot();
    out.printf("Table %s (format v%d)%n", t.name(), formatVersion(t));
    out.printf("Location %s%n", t.location());
    out.printf(
        "Snapshot %s%n",
        snapshot == null
            ? "none (empty table)"
            : snapshot.snapshotId() + " at " + Instant.ofEpochMilli(snapshot.timestampMillis()));
    out.printf(
        "Columns %s%n",
        String.join(", ", output.columns().stream().map(Types.NestedField::name).toList()));
    if (resolved.filter() != Expressions.alwaysTrue()) {
      out.printf("Filter %s%n", resolved.filter());
    }
    if (resolved.limit() != null) {
      out.printf("Limit %,d rows%n", resolved.limit());
    }
    out.println();
    Schema projection = readColumns(resolved, output);
    Totals totals = new Totals(scan.parallelism);
    try (CloseableIterable<FileScanTask> tasks = resolved.tableScan().planFiles()) {
      for (FileScanTask task : tasks) {
        printTask(out, t.location(), task);
        totals.add(task, MemoryEstimate.of(task, projection, batchSize));
      }
    }
    totals.print(out, batchSize, t.location());
  }

  /** Columns a read decodes: the output's data columns and the filter's columns. */
  private static Schema readColumns(ResolvedScan resolved, Schema output) {
    List<Types.NestedField> columns = new ArrayList<>();
    Schema schema = resolved.tableScan().schema();
    for (Types.NestedField column : output.columns()) {
      if (schema.findField(column.fieldId()) != null) {
        columns.add(column);
      }
    }
    for (Integer id :
        org.apache.iceberg.expressions.Binder.boundReferences(
            schema.asStruct(), List.of(resolved.filter()), false)) {
      Types.NestedField field = schema.findField(id);
      if (field != null && columns.stream().noneMatch(c -> c.fieldId() == id)) {
        columns.add(field);
      }
    }
    return new Schema(columns);
  }

  private static void printTask(PrintStream out, String tableLocation, FileScanTask task) {
    DataFile file = task.file();
    int groups = file.splitOffsets() == null ? 0 : file.splitOffsets().size();
    out.printf(
        "%-8s %10s %,12d rows %4s %-10s %s%n",
        file.format(),
        bytes(file.fileSizeInBytes()),
        file.recordCount(),
        groups == 0 ? "" : Integer.toString(groups),
        groups == 0 ? "" : file.format() == FileFormat.ORC ? "stripes" : "row groups",
        relative(file.location(), tableLocation));
    for (DeleteFile delete : task.deletes()) {
      out.printf(
          "    - %-26s %-8s %10s %,12d rows  %s%n",
          deleteKind(delete),
          delete.format(),
          bytes(delete.fileSizeInBytes()),
          delete.recordCount(),
          relative(delete.location(), tableLocation));
    }
  }

  private static String deleteKind(DeleteFile delete) {
    if (delete.content() == FileContent.EQUALITY_DELETES) {
      return "equality deletes " + delete.equalityFieldIds();
    }
    return delete.format() == FileFormat.PUFFIN ? "deletion vector" : "position deletes";
  }

  private static int formatVersion(Table table) {
    return table instanceof HasTableOperations ops ? ops.operations().current().formatVersion() : 0;
  }

  static String relative(String location, String tableLocation) {
    String prefix = tableLocation.endsWith("/") ? tableLocation : tableLocation + "/";
    return location.startsWith(prefix) ? location.substring(prefix.length()) : location;
  }

  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /**
   * Sums over the planned tasks, the task with the largest memory estimate, and the {@code
   * parallelism} largest estimates (the files a parallel scan may hold at once).
   */
  private static final class Totals {
    private final int parallelism;
    private final PriorityQueue<MemoryEstimate> largest =
        new PriorityQueue<>(Comparator.comparingLong(MemoryEstimate::total));
    private long dataFiles;
    private long dataBytes;
    private long records;
    private long deleteRefs;
    private final java.util.Set<String> deleteFiles = new java.util.HashSet<>();
    private long positionFiles;
    private long equalityFiles;
    private long deleteRows;
    private MemoryEstimate peak;
    private String peakFile;

    Totals(int parallelism) {
      this.parallelism = parallelism;
    }

    void add(FileScanTask task, MemoryEstimate estimate) {
      dataFiles += 1;
      dataBytes += task.file().fileSizeInBytes();
      records += task.file().recordCount();
      for (DeleteFile delete : task.deletes()) {
        deleteRefs += 1;
        if (deleteFiles.add(delete.location() + "#" + delete.contentOffset())) {
          deleteRows += delete.recordCount();
          if (delete.content() == FileContent.EQUALITY_DELETES) {
            equalityFiles += 1;
          } else {
            positionFiles += 1;
          }
        }
      }
      if (peak == null || estimate.total() > peak.total()) {
        peak = estimate;
        peakFile = task.file().location();
      }
      largest.add(estimate);
      if (largest.size() > parallelism) {
        largest.poll();
      }
    }

    void print(PrintStream out, int batchSize, String tableLocation) {
      out.println();
      out.printf(
          "Data files    %,d (%s, %,d records before deletes)%n",
          dataFiles, bytes(dataBytes), records);
      out.printf(
          "Delete files  %,d (%,d position or deletion vector, %,d equality; %,d rows), applied"
              + " %,d times%n",
          deleteFiles.size(), positionFiles, equalityFiles, deleteRows, deleteRefs);
      if (peak == null) {
        out.println("Expected peak memory  nothing to read");
        return;
      }
      int atOnce = largest.size();
      MemoryEstimate scan = MemoryEstimate.atOnce(List.copyOf(largest), atOnce);
      out.printf(
          "Expected peak memory  ~%s for %s at a time (largest: %s) + JVM baseline%n",
          bytes(scan.total()),
          atOnce == 1 ? "one file" : atOnce + " files",
          relative(peakFile, tableLocation));
      out.printf(
          "    decoder state (%s, projected) %s, %s of %,d rows %s, deletes %s%n",
          atOnce == 1 ? "one row group / stripe" : atOnce + " row groups / stripes",
          bytes(scan.decoderBytes()),
          atOnce == 1 ? "batch" : (2 * atOnce + 1) + " batches (being read, queued, handed out)",
          batchSize,
          bytes(scan.batchBytes()),
          bytes(scan.deleteBytes()));
    }
  }
}
