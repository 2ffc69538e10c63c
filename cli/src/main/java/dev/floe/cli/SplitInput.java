package dev.floe.cli;

import dev.floe.cli.ScanArguments.PlannedSize;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.Table;

/**
 * The split {@code floe export --split FILE|-} reads: one line of {@code floe splits} output, from
 * a file or standard input. The split carries the scan, so scan options are refused with it.
 */
final class SplitInput {
  private SplitInput() {}

  /**
   * Reads the split.
   *
   * @throws UsageException if scan options are given too, or the input is not exactly one split
   */
  static ScanSplit read(String source, ScanArguments scan) throws IOException {
    List<String> given = givenScanOptions(scan);
    if (!given.isEmpty()) {
      throw new UsageException(
          "Invalid options: --split carries the scan (columns, filter, snapshot); drop "
              + String.join(", ", given));
    }
    String text = readText(source).strip();
    if (text.isEmpty()) {
      throw new UsageException("Invalid --split " + source + ": empty, expected one split");
    }
    long lines = text.lines().count();
    if (lines > 1) {
      throw new UsageException(
          String.format(
              "Invalid --split %s: %d lines, expected one split (one line of 'floe splits')",
              source, lines));
    }
    try {
      return ScanSplit.fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("Invalid --split " + source + ": " + e.getMessage(), e);
    }
  }

  /** Opens the split's stream with the command's table; another table is a usage error. */
  static RecordBatchStream open(
      ScanSplit split, Table table, int batchSize, BufferAllocator allocator) {
    try {
      return split.open(table, batchSize, allocator);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** What the split reads, from its manifests' record counts, for the progress line. */
  static PlannedSize size(ScanSplit split) {
    return new PlannedSize(split.files().size(), split.estimatedRows(), split.estimatedBytes());
  }

  private static String readText(String source) throws IOException {
    if (source.equals("-")) {
      InputStream in = System.in; // not closed: it is the process's
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      return Files.readString(Path.of(source), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException("Cannot read --split " + source + ": no such file", e);
    }
  }

  private static List<String> givenScanOptions(ScanArguments scan) {
    List<String> given = new ArrayList<>();
    if (scan.columns != null) {
      given.add("--select");
    }
    if (scan.filter != null) {
      given.add("--filter");
    }
    if (scan.limit != null) {
      given.add("--limit");
    }
    if (scan.snapshotId != null) {
      given.add("--snapshot");
    }
    if (scan.asOf != null) {
      given.add("--as-of");
    }
    if (scan.ref != null) {
      given.add("--ref");
    }
    if (scan.parallelism != 1) {
      given.add("--parallelism");
    }
    if (scan.ignoreCase) {
      given.add("--ignore-case");
    }
    return given;
  }
}
