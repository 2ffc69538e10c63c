package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import java.util.Locale;
import org.apache.iceberg.FileFormat;

/**
 * One generated events table ({@code dev.floe.fixtures.Fixtures#events}): {@code rows} rows in
 * {@code format} with {@code rowGroupBytes} Parquet row groups / ORC stripes, ~1% of them deleted
 * by position (format version 2) or deletion vector (3), in {@code files} data files. The seed is
 * the fixtures' default, so a spec always names the same rows.
 */
public record TableSpec(
    FileFormat format, long rows, long rowGroupBytes, int formatVersion, int files) {
  public static final String NAMESPACE = "memory";

  /** The events table's default number of data files. */
  public static final int DEFAULT_FILES = 8;

  public TableSpec {
    requireNonNull(format, "format is null");
    // Validates the rest the way the fixtures will.
    options(format, rows, rowGroupBytes, formatVersion, files);
  }

  public TableSpec(FileFormat format, long rows, long rowGroupBytes, int formatVersion) {
    this(format, rows, rowGroupBytes, formatVersion, DEFAULT_FILES);
  }

  public static TableSpec parquet(long rows, long rowGroupBytes) {
    return new TableSpec(FileFormat.PARQUET, rows, rowGroupBytes, 2);
  }

  public static TableSpec orc(long rows, long stripeBytes) {
    return new TableSpec(FileFormat.ORC, rows, stripeBytes, 2);
  }

  public TableSpec withFormatVersion(int newFormatVersion) {
    return new TableSpec(format, rows, rowGroupBytes, newFormatVersion, files);
  }

  /** The same rows in {@code newFiles} data files ({@code 1}: one row group of up to the size). */
  public TableSpec withFiles(int newFiles) {
    return new TableSpec(format, rows, rowGroupBytes, formatVersion, newFiles);
  }

  /** The fixture options that generate this table. */
  public FixtureOptions options() {
    return options(format, rows, rowGroupBytes, formatVersion, files);
  }

  /** The table's name in the cache: every parameter, so a cached table is never mistaken. */
  public String tableName() {
    return String.format(
        Locale.ROOT,
        "events_%s_%d_rg%d_v%d%s",
        format.name().toLowerCase(Locale.ROOT),
        rows,
        rowGroupBytes,
        formatVersion,
        files == DEFAULT_FILES ? "" : "_f" + files);
  }

  /** {@code namespace.table}. */
  public String identifier() {
    return NAMESPACE + "." + tableName();
  }

  /** "ORC, 64 MiB stripes" or "Parquet, 4 MiB row groups", plus "DVs" for format version 3. */
  public String layout() {
    String unit = format == FileFormat.ORC ? "stripes" : "row groups";
    return String.format(
        Locale.ROOT,
        "%s, %s %s%s%s",
        format == FileFormat.ORC ? "ORC" : "Parquet",
        bytes(rowGroupBytes),
        unit,
        formatVersion >= 3 ? ", v3 DVs" : "",
        files == DEFAULT_FILES ? "" : files == 1 ? ", one file" : ", " + files + " files");
  }

  private static String bytes(long value) {
    if (value % (1024 * 1024) == 0) {
      return value / (1024 * 1024) + " MiB";
    }
    if (value % 1024 == 0) {
      return value / 1024 + " KiB";
    }
    return value + " B";
  }

  private static FixtureOptions options(
      FileFormat format, long rows, long rowGroupBytes, int formatVersion, int files) {
    FixtureOptions options =
        FixtureOptions.defaults()
            .withFormat(format)
            .withRows(rows)
            .withRowGroupBytes(rowGroupBytes)
            .withFormatVersion(formatVersion);
    if (files < 1) {
      throw new IllegalArgumentException("files must be >= 1: " + files);
    }
    return files == DEFAULT_FILES
        ? options
        : options.withTableProperty(Fixtures.EVENTS_FILES, Integer.toString(files));
  }
}
