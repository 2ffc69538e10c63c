package dev.floe.cli.python;

import static java.util.Objects.requireNonNull;

import dev.floe.cli.TableOptions.OpenTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * A table opened for the Python package, with the catalog it came from. {@link #close()} closes the
 * catalog once no scan of the table is open any more: a reader may outlive the Python object of its
 * table (it is garbage collected first), and the catalog's {@code FileIO} still reads its files.
 */
public final class PythonTable implements AutoCloseable {
  private final OpenTable open;
  private int openScans;
  private boolean closeRequested;
  private boolean closed;

  PythonTable(OpenTable open) {
    this.open = requireNonNull(open, "open is null");
  }

  Table table() {
    return open.table();
  }

  /** The table's name, as Iceberg gives it (catalog and identifier, or its metadata location). */
  public String name() {
    return open.table().name();
  }

  /** The current schema in Iceberg's text form, with field ids. */
  public String schema() {
    return open.table().schema().toString();
  }

  /** The current snapshot's id, or null for a table without snapshots. */
  public Long currentSnapshotId() {
    Snapshot current = open.table().currentSnapshot();
    return current == null ? null : current.snapshotId();
  }

  /** A scan of this table opens; it keeps the catalog open until {@link #scanClosed()}. */
  synchronized void scanOpened() {
    if (closeRequested) {
      throw new IllegalStateException("Cannot scan table " + name() + ": it is closed");
    }
    openScans++;
  }

  /** A scan of this table closed; closes the catalog if the table was closed meanwhile. */
  void scanClosed() {
    synchronized (this) {
      openScans--;
      if (!closeRequested || openScans > 0 || closed) {
        return;
      }
      closed = true;
    }
    closeCatalog();
  }

  /** Closes the catalog the table was loaded from, now or when its last open scan closes. */
  @Override
  public void close() {
    synchronized (this) {
      closeRequested = true;
      if (openScans > 0 || closed) {
        return;
      }
      closed = true;
    }
    closeCatalog();
  }

  private void closeCatalog() {
    try {
      open.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the catalog of table " + name(), e);
    }
  }
}
