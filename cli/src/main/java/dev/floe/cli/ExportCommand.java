package dev.floe.cli;

import dev.floe.cli.ScanArguments.PlannedSize;
import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.TableOptions.OpenTable;
import dev.floe.cli.export.AtomicFile;
import dev.floe.cli.export.BatchWriter;
import dev.floe.cli.export.CountingOutputStream;
import dev.floe.cli.export.ExportFormat;
import dev.floe.cli.export.KeepOpenOutputStream;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * Streams a table's rows to a file or standard output, one batch at a time: memory holds the scan's
 * one open file and one batch, plus, for Parquet, one row group being written. A file appears under
 * its name only when complete.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Stream a table's rows to a file or to standard output (-) in bounded memory.",
      "A file is written beside its final name and renamed when complete: a failed or"
          + " interrupted export leaves nothing under the final name."
    },
    footer = {
      "",
      "Examples:",
      "  floe export demo.events_parquet --format parquet --out events.parquet",
      "  floe export demo.events_orc --format csv --filter \"qty < 10 AND note IS NULL\" -o x.csv",
      "  floe export demo.events_parquet --format arrow - | python3 -c 'import pyarrow as pa,"
          + " sys; print(pa.ipc.open_stream(sys.stdin.buffer).read_all().num_rows)'",
      "  floe export demo.events_parquet --split part-00 --format parquet -o part-00.parquet"
    })
final class ExportCommand implements Callable<Integer> {
  private static final Set<String> CODECS =
      new java.util.TreeSet<>(Set.of("zstd", "snappy", "gzip", "lz4_raw", "uncompressed"));

  @ParentCommand Floe floe;

  @Parameters(index = "0", paramLabel = "TABLE", description = TableOptions.TABLE_DESCRIPTION)
  String table;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "OUT",
      description = "Output file, or - for standard output (or use --out).")
  String positionalOut;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "PATH",
      description = "Output file, or - for standard output.")
  String out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description =
          "arrow (Arrow IPC stream), arrow-file (Arrow IPC file), parquet, csv, jsonl (canonical"
              + " JSON Lines). Default: from the file extension (.arrows .arrow .parquet .csv"
              + " .jsonl).")
  ExportFormat format;

  @Option(
      names = "--batch-size",
      paramLabel = "ROWS",
      defaultValue = "10000",
      description = "Rows per Arrow batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--overwrite", description = "Replace the output file if it exists.")
  boolean overwrite;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      defaultValue = "zstd",
      description =
          "Parquet compression: zstd, snappy, gzip, lz4_raw, uncompressed (default: zstd).")
  String compression;

  @Option(
      names = "--row-group-mb",
      paramLabel = "MIB",
      defaultValue = "64",
      description =
          "Parquet row group size in MiB; the Parquet writer buffers one row group (default:"
              + " ${DEFAULT-VALUE}).")
  int rowGroupMib;

  @Option(
      names = "--split",
      paramLabel = "FILE",
      description =
          "Export one split of 'floe splits' (a file holding its line, or - for standard input)"
              + " instead of a scan; TABLE must be the table it was planned from.")
  String split;

  @Mixin TableOptions tableOptions;
  @Mixin ScanArguments scan;
  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws Exception {
    String target = target();
    ExportFormat chosen = format(target);
    ExportFormat.ParquetSettings parquet = parquetSettings();
    CommandIo io = floe.io();
    if (target.equals("-") && io.outIsTerminal() && chosen.isBinary()) {
      throw new UsageException(
          "Refusing to write "
              + chosen.cliName()
              + " to a terminal; redirect standard output (> file, | program) or use --out");
    }
    try (OpenTable open = tableOptions.open(table)) {
      ScanSplit oneSplit = split == null ? null : SplitInput.read(split, scan);
      ResolvedScan resolved = oneSplit == null ? scan.resolve(open.table(), null) : null;
      Progress progress = Progress.create(io, progressOptions.progressEnabled(io), "  exporting  ");
      if (progress.enabled()) {
        PlannedSize size = oneSplit == null ? resolved.plannedSize() : SplitInput.size(oneSplit);
        progress.expect(size.records(), size.files(), oneSplit == null ? resolved.limit() : null);
      }
      long start = System.nanoTime();
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream batches =
              oneSplit == null
                  ? resolved.open(batchSize, allocator)
                  : SplitInput.open(oneSplit, open.table(), batchSize, allocator)) {
        Export export = new Export(batches, chosen, parquet, progress);
        boolean complete =
            target.equals("-") ? export.toStdout(io) : export.toFile(Path.of(target), overwrite);
        progress.done();
        if (complete && !progressOptions.quiet) {
          summary(io, batches, target, export.bytes(), start, allocator);
        }
      }
    }
    return Floe.OK;
  }

  private String target() {
    if (out != null && positionalOut != null) {
      throw new UsageException("Invalid options: give the output once, as OUT or --out");
    }
    String target = out != null ? out : positionalOut;
    if (target == null || target.isEmpty()) {
      throw new UsageException("Missing output: --out PATH, or - for standard output");
    }
    return target;
  }

  private ExportFormat format(String target) {
    if (format != null) {
      return format;
    }
    ExportFormat guessed = target.equals("-") ? null : ExportFormat.fromFileName(target);
    if (guessed == null) {
      throw new UsageException(
          "Missing --format: arrow, arrow-file, parquet, csv or jsonl"
              + (target.equals("-") ? " (required when writing to standard output)" : ""));
    }
    return guessed;
  }

  private ExportFormat.ParquetSettings parquetSettings() {
    String codec = compression.toLowerCase(Locale.ROOT);
    if (!CODECS.contains(codec)) {
      throw new UsageException(
          "Invalid --compression: " + compression + ", expected one of " + CODECS);
    }
    if (rowGroupMib < 1 || rowGroupMib > 1024) {
      throw new UsageException("Invalid --row-group-mb: " + rowGroupMib + ", expected 1 to 1024");
    }
    return new ExportFormat.ParquetSettings(codec, rowGroupMib * 1024L * 1024L);
  }

  private void summary(
      CommandIo io,
      RecordBatchStream batches,
      String target,
      long bytes,
      long start,
      BufferAllocator allocator) {
    double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
    io.err()
        .printf(
            "Exported %,d rows (%,d batches, %,d data files) to %s: %,.1f MB in %.2f s"
                + " (%,.0f rows/s, %,.1f MB/s); peak Arrow memory %.1f MiB, peak RSS %s%n",
            batches.rowsRead(),
            batches.batchesRead(),
            batches.filesRead(),
            target.equals("-") ? "standard output" : target,
            bytes / 1e6,
            seconds,
            batches.rowsRead() / seconds,
            bytes / 1e6 / seconds,
            allocator.getPeakMemoryAllocation() / 1048576.0,
            ProcessMemory.peakRss());
  }

  /** One export: the stream, the format, and where the bytes went. */
  private static final class Export {
    private final RecordBatchStream batches;
    private final ExportFormat format;
    private final ExportFormat.ParquetSettings parquet;
    private final Progress progress;
    private CountingOutputStream counted;

    Export(
        RecordBatchStream batches,
        ExportFormat format,
        ExportFormat.ParquetSettings parquet,
        Progress progress) {
      this.batches = batches;
      this.format = format;
      this.parquet = parquet;
      this.progress = progress;
    }

    long bytes() {
      return counted == null ? 0 : counted.count();
    }

    /**
     * Writes to standard output.
     *
     * @return false if the reader closed the pipe early (as {@code head} does): not an error
     */
    boolean toStdout(CommandIo io) throws IOException {
      try {
        write(new KeepOpenOutputStream(io.stdout()), "stdout");
        io.stdout().flush();
        return true;
      } catch (IOException e) {
        if (isBrokenPipe(e)) {
          return false;
        }
        throw e;
      }
    }

    boolean toFile(Path target, boolean overwrite) throws IOException {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new UsageException("Cannot export to " + target + ": no directory " + parent);
      }
      if (Files.isDirectory(target)) {
        throw new UsageException("Cannot export to " + target + ": it is a directory");
      }
      AtomicFile file;
      try {
        file = AtomicFile.create(target, overwrite);
      } catch (FileAlreadyExistsException e) {
        throw new UsageException(
            "Cannot export to " + target + ": the file exists; pass --overwrite to replace it");
      }
      try (file) {
        write(file.stream(), target.toString());
        file.commit();
      }
      return true;
    }

    private void write(OutputStream sink, String location) throws IOException {
      counted = new CountingOutputStream(sink);
      VectorSchemaRoot root = batches.getVectorSchemaRoot();
      try (BatchWriter writer =
          format.open(root, batches.icebergSchema(), counted, location, parquet)) {
        while (batches.loadNextBatch()) {
          writer.write(root);
          progress.update(
              batches.rowsRead(),
              batches.rowsRead() + batches.deletedRowsSoFar(),
              batches.filesRead(),
              counted.count());
        }
        writer.finish();
      }
    }

    private static boolean isBrokenPipe(IOException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        String message = cause.getMessage();
        if (message != null && message.contains("Broken pipe")) {
          return true;
        }
      }
      return false;
    }
  }

  /** Lower-case format names, with the hyphen: arrow-file. */
  static final class FormatConverter implements ITypeConverter<ExportFormat> {
    @Override
    public ExportFormat convert(String value) {
      ExportFormat parsed = ExportFormat.fromName(value);
      if (parsed == null) {
        throw new TypeConversionException(
            "Invalid --format: '" + value + "', expected arrow, arrow-file, parquet, csv or jsonl");
      }
      return parsed;
    }
  }
}
