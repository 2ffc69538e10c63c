package dev.floe.server;

import static java.util.Objects.requireNonNull;

import dev.floe.cli.CatalogOptions;
import dev.floe.cli.TableOptions;
import dev.floe.cli.TablesCommand;
import dev.floe.cli.catalog.CatalogConfig;
import dev.floe.cli.catalog.TableResolver;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The tables a server reads: identifiers in one catalog, opened on first use and kept open for the
 * server's life (its tables share its FileIO), or metadata files; with {@code --rewrite-prefix}
 * applied. Thread safe.
 */
final class Tables implements AutoCloseable {
  private final CatalogConfig config;
  private final Map<String, String> prefixes;
  private final Map<String, Table> forSplits = new ConcurrentHashMap<>();
  private Catalog catalog;
  private boolean closed;

  Tables(CatalogConfig config, Map<String, String> prefixes) {
    this.config = requireNonNull(config, "config is null");
    this.prefixes = Map.copyOf(requireNonNull(prefixes, "prefixes is null"));
  }

  /** The table as it is now (for planning), loaded afresh. */
  Table load(String reference) {
    Table table =
        TableOptions.load(
            reference, TableResolver.isLocation(reference) ? null : catalog(), config, prefixes);
    forSplits.put(reference, table);
    return table;
  }

  /**
   * The table a split was planned from: the handle loaded when it was planned while it still has
   * the split's snapshot, so reading a split costs no catalog round trip.
   */
  Table forSplit(String reference, long snapshotId) {
    Table table = forSplits.get(reference);
    if (table != null && table.snapshot(snapshotId) != null) {
      return table;
    }
    return load(reference);
  }

  /** The catalog's table identifiers, sorted. */
  List<TableIdentifier> list() {
    return TablesCommand.list(catalog(), Namespace.empty());
  }

  private synchronized Catalog catalog() {
    if (closed) {
      throw new IllegalStateException("Cannot load a table: the server is closed");
    }
    if (catalog == null) {
      catalog = CatalogOptions.open(config);
    }
    return catalog;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    forSplits.clear();
    if (catalog instanceof Closeable closeable) {
      closeable.close();
    }
    catalog = null;
  }
}
