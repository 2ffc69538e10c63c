package dev.floe.server;

import static java.util.Objects.requireNonNull;

import dev.floe.cli.ScanArguments;
import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.UsageException;
import dev.floe.scan.RecordBatchStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.util.PropertyUtil;

/**
 * Resolves what a client asks for into a Floe scan exactly as the {@code floe} command does: the
 * table through the server's catalog, then {@code select}, {@code filter} (SQL with three-valued
 * logic), {@code snapshot_id} and {@code limit}. Bad requests fail here, before any data is read.
 */
final class Scans {
  private final Tables tables;
  private final BufferAllocator root;

  Scans(Tables tables, BufferAllocator root) {
    this.tables = requireNonNull(tables, "tables is null");
    this.root = requireNonNull(root, "root is null");
  }

  Tables tables() {
    return tables;
  }

  ResolvedScan resolve(ScanRequest request) {
    Table table = tables.load(request.table());
    return ScanArguments.of(request.select(), request.filter(), request.snapshotId(), null)
        .resolve(table, request.limit());
  }

  /**
   * The Arrow schema the scan's batches have, from a stream opened and closed without reading
   * (which also checks the columns and the filter against the table).
   */
  Schema arrowSchema(ResolvedScan scan) {
    try (BufferAllocator allocator = root.newChildAllocator("schema", 0, 1 << 20);
        RecordBatchStream stream = scan.open(1, allocator)) {
      return stream.getVectorSchemaRoot().getSchema();
    } catch (java.io.IOException e) {
      throw new UsageException("Cannot read the schema of " + scan.table().name(), e);
    }
  }

  /**
   * The split size to plan with: the request's, else the table's {@code read.split.target-size}.
   */
  static long targetSplitBytes(ScanRequest request, Table table) {
    if (request.targetSplitBytes() != null) {
      return request.targetSplitBytes();
    }
    return PropertyUtil.propertyAsLong(
        table.properties(), TableProperties.SPLIT_SIZE, TableProperties.SPLIT_SIZE_DEFAULT);
  }
}
