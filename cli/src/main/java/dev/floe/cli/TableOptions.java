package dev.floe.cli;

import dev.floe.cli.catalog.CatalogConfig;
import dev.floe.cli.catalog.TableResolver;
import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotFoundException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command finds its table: an identifier in the catalog ({@code db.events}) or a metadata
 * file ({@code path/to/v3.metadata.json}, or the table directory of a Hadoop table), with location
 * prefixes rewritten for tables whose files moved.
 */
public final class TableOptions {
  static final String TABLE_DESCRIPTION =
      "Table identifier (db.events) or metadata file (path/to/v3.metadata.json, or a Hadoop"
          + " table directory).";

  @Mixin CatalogOptions catalog;

  @Option(
      names = "--rewrite-prefix",
      paramLabel = "FROM=TO",
      description =
          "Read files under FROM from TO instead (tables whose files moved); repeatable, first"
              + " match wins.")
  Map<String, String> prefixes = new LinkedHashMap<>();

  /** The catalog these options describe, resolved (not opened). */
  public CatalogConfig catalogConfig() {
    return catalog.config();
  }

  /** The {@code --rewrite-prefix} mappings, FROM → TO in order. */
  public Map<String, String> prefixes() {
    return Map.copyOf(prefixes);
  }

  /** Opens the table, and the catalog when it comes from one; close it when done. */
  OpenTable open(String reference) {
    return open(reference, catalog::config, prefixes);
  }

  /**
   * Opens a table as the commands do: a metadata file or table directory without a catalog, or an
   * identifier in the catalog that {@code catalog} configures (only then is it called).
   *
   * @param prefixes FROM → TO location prefixes ({@code --rewrite-prefix}), tried in order
   * @throws UsageException for an empty name, missing metadata or a table that does not exist
   */
  public static OpenTable open(
      String reference, Supplier<CatalogConfig> catalog, Map<String, String> prefixes) {
    if (reference == null || reference.isBlank()) {
      throw new UsageException("Invalid table: empty name");
    }
    if (TableResolver.isLocation(reference)) {
      try {
        return new OpenTable(TableResolver.load(reference, prefixes), null);
      } catch (NotFoundException e) {
        throw new UsageException("Cannot find table metadata " + reference, e);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    CatalogConfig config = catalog.get();
    Catalog opened = CatalogOptions.open(config);
    try {
      return new OpenTable(load(reference, opened, config, prefixes), opened);
    } catch (RuntimeException e) {
      closeQuietly(opened, e);
      throw e;
    }
  }

  /**
   * Loads a table as {@link #open} does, from a catalog the caller keeps open (a server loads many
   * tables from one catalog): a metadata file or table directory, or an identifier in {@code
   * catalog}.
   *
   * @throws UsageException for an empty name, missing metadata or a table that does not exist
   */
  public static Table load(
      String reference, Catalog catalog, CatalogConfig config, Map<String, String> prefixes) {
    if (reference == null || reference.isBlank()) {
      throw new UsageException("Invalid table: empty name");
    }
    if (TableResolver.isLocation(reference)) {
      try {
        return TableResolver.load(reference, prefixes);
      } catch (NotFoundException e) {
        throw new UsageException("Cannot find table metadata " + reference, e);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    TableIdentifier id = TableIdentifier.parse(reference);
    try {
      return TableResolver.withPrefixes(catalog.loadTable(id), prefixes);
    } catch (NoSuchTableException e) {
      String suggestion =
          TableSuggestion.closest(catalog, id, e).map(t -> "; did you mean " + t + "?").orElse("");
      String note = config.perNameNote();
      throw new UsageException(
          "Table does not exist: "
              + reference
              + suggestion
              + (note == null ? " (see 'floe tables' for the tables)" : "; " + note),
          e);
    }
  }

  private static void closeQuietly(Catalog catalog, Throwable primary) {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException e) {
        primary.addSuppressed(e);
      }
    }
  }

  /** A table and the catalog it was loaded from (null for metadata files). */
  public record OpenTable(Table table, Catalog catalog) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (catalog instanceof Closeable closeable) {
        closeable.close();
      }
    }
  }
}
