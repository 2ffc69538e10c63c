package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import dev.floe.fixtures.FixtureOptions;
import java.util.Locale;
import org.apache.iceberg.FileFormat;

/**
 * One generated events table ({@code dev.floe.fixtures.Fixtures#events}): {@code rows} rows in
 * {@code format} with {@code rowGroupBytes} Parquet row groups / ORC stripes, ~1% of them deleted
 * by position (format version 2) or deletion vector (3). The seed is the fixtures' default, so a
 * spec always names the same rows.
 */
public record TableSpec(FileFormat format, long rows, long rowGroupBytes, int formatVersion) {
  public static final String NAMESPACE = "memory";

  public TableSpec {
    requireNonNull(format, "format is null");
    // Validates the rest the way the fixtures will.
    options(format, rows, rowGroupBytes, formatVersion);
  }

  public static TableSpec parquet(long rows, long rowGroupBytes) {
    return new TableSpec(FileFormat.PARQUET, rows, rowGroupBytes, 2);
  }

  public static TableSpec orc(long rows, long stripeBytes) {
    return new TableSpec(FileFormat.ORC, rows, stripeBytes, 2);
  }

  public TableSpec withFormatVersion(int newFormatVersion) {
    return new TableSpec(format, rows, rowGroupBytes, newFormatVersion);
  }

  /** The fixture options that generate this table. */
  public FixtureOptions options() {
    return options(format, rows, rowGroupBytes, formatVersion);
  }

  /** The table's name in the cache: every parameter, so a cached table is never mistaken. */
  public String tableName() {
    return String.format(
        Locale.ROOT,
        "events_%s_%d_rg%d_v%d",
        format.name().toLowerCase(Locale.ROOT),
        rows,
        rowGroupBytes,
        formatVersion);
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
        "%s, %s %s%s",
        format == FileFormat.ORC ? "ORC" : "Parquet",
        bytes(rowGroupBytes),
        unit,
        formatVersion >= 3 ? ", v3 DVs" : "");
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
      FileFormat format, long rows, long rowGroupBytes, int formatVersion) {
    return FixtureOptions.defaults()
        .withFormat(format)
        .withRows(rows)
        .withRowGroupBytes(rowGroupBytes)
        .withFormatVersion(formatVersion);
  }
}
