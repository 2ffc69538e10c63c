package dev.floe.cli.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;

/** The formats {@code floe export} writes. */
public enum ExportFormat {
  ARROW("arrow", ".arrows"),
  ARROW_FILE("arrow-file", ".arrow"),
  PARQUET("parquet", ".parquet"),
  CSV("csv", ".csv"),
  JSONL("jsonl", ".jsonl");

  private final String cliName;
  private final String extension;

  ExportFormat(String cliName, String extension) {
    this.cliName = cliName;
    this.extension = extension;
  }

  /** The name on the command line: arrow, arrow-file, parquet, csv, jsonl. */
  public String cliName() {
    return cliName;
  }

  /** Whether the format is binary (not for a terminal). */
  public boolean isBinary() {
    return this == ARROW || this == ARROW_FILE || this == PARQUET;
  }

  /** The format named on the command line, or null. */
  public static ExportFormat fromName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (ExportFormat format : values()) {
      if (format.cliName.equals(lower)) {
        return format;
      }
    }
    return null;
  }

  /** The format a file name's extension suggests, or null. */
  public static ExportFormat fromFileName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".ndjson")) {
      return JSONL;
    }
    if (lower.endsWith(".feather")) {
      return ARROW_FILE;
    }
    for (ExportFormat format : values()) {
      if (lower.endsWith(format.extension)) {
        return format;
      }
    }
    return null;
  }

  /** The Iceberg schema a Parquet export of a scan with {@code schema} is written with. */
  public static Schema parquetSchema(Schema schema) {
    return ParquetBatchWriter.fileSchema(schema);
  }

  /** Parquet writer settings; ignored by the other formats. */
  public record ParquetSettings(String codec, long rowGroupBytes) {}

  /**
   * Opens a writer of this format on {@code out}, for batches of {@code root} whose columns are
   * {@code schema}'s.
   */
  public BatchWriter open(
      VectorSchemaRoot root,
      Schema schema,
      OutputStream out,
      String location,
      ParquetSettings parquet)
      throws IOException {
    switch (this) {
      case ARROW:
        return ArrowIpcWriter.open(root, out, false);
      case ARROW_FILE:
        return ArrowIpcWriter.open(root, out, true);
      case PARQUET:
        return ParquetBatchWriter.open(
            schema, out, location, parquet.codec(), parquet.rowGroupBytes());
      case CSV:
        return CsvWriter.open(schema, out);
      default:
        return JsonLinesWriter.open(schema, out);
    }
  }
}
