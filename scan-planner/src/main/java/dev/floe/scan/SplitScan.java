package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.MetadataColumn;
import dev.floe.reader.ReadContext;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;

/**
 * What every split of one scan shares: the table it was planned from, the snapshot, the snapshot's
 * schema, the projection, the filter and the metadata columns. Everything but the table's {@code
 * FileIO}, which the worker's own table handle provides.
 *
 * @param tableUuid the planned table's UUID; a split is read only with the same table
 * @param tableName for messages
 * @param snapshotId the snapshot planned
 * @param schema the snapshot's schema
 * @param projection the data columns handed to the user, in output order (top-level columns of
 *     {@code schema})
 * @param filter the scan's whole filter, applied exactly to every row
 * @param caseSensitive whether names in {@code filter} are case sensitive
 * @param metadataColumns names of the metadata columns
 * @param outputColumns names of the data and metadata columns in output order, or null for the data
 *     columns, then the metadata columns
 * @param nameMapping the table's name mapping as JSON (for files written without field ids), or
 *     null
 * @param specs partition specs by id, for delete files whose spec is not their data file's
 */
record SplitScan(
    String tableUuid,
    String tableName,
    long snapshotId,
    Schema schema,
    Schema projection,
    Expression filter,
    boolean caseSensitive,
    List<String> metadataColumns,
    List<String> outputColumns,
    String nameMapping,
    Map<Integer, PartitionSpec> specs)
    implements Serializable {
  SplitScan {
    requireNonNull(tableUuid, "tableUuid is null");
    requireNonNull(tableName, "tableName is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(projection, "projection is null");
    requireNonNull(filter, "filter is null");
    metadataColumns = List.copyOf(requireNonNull(metadataColumns, "metadataColumns is null"));
    metadataColumns.forEach(MetadataColumn::fromName); // fails on an unknown name
    outputColumns = outputColumns == null ? null : List.copyOf(outputColumns);
    specs = Map.copyOf(requireNonNull(specs, "specs is null"));
  }

  /**
   * The shared part of the splits of {@code plan}, a plan of {@code table}; their filter is the
   * plan's whole row filter (with SQL's semantics spelled out, see {@link SqlSemantics}).
   */
  static SplitScan of(Table table, ScanPlan plan, long snapshotId) {
    ReadContext context = plan.context();
    return new SplitScan(
        table.uuid().toString(),
        table.name(),
        snapshotId,
        context.tableSchema(),
        context.projection(),
        context.rowFilter(),
        context.caseSensitive(),
        context.metadataColumns().stream().map(MetadataColumn::columnName).toList(),
        plan.outputNames(),
        context.nameMapping() == null ? null : NameMappingParser.toJson(context.nameMapping()),
        table.specs());
  }

  /**
   * The stream of {@code tasks}, read with {@code table}'s {@code FileIO}.
   *
   * @throws IllegalArgumentException if {@code table} is another table than the one planned, no
   *     longer has the snapshot, or {@code batchSize} is out of range
   */
  RecordBatchStream open(
      List<FileScanTask> tasks,
      Table table,
      int batchSize,
      long maxBatchBytes,
      BufferAllocator allocator) {
    requireNonNull(table, "table is null");
    requireNonNull(allocator, "allocator is null");
    String uuid = table.uuid().toString();
    if (!uuid.equals(tableUuid)) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read a split of table %s (uuid %s) with table %s (uuid %s): read it with a"
                  + " handle of the table it was planned from",
              tableName, tableUuid, table.name(), uuid));
    }
    if (table.snapshot(snapshotId) == null) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read a split of table %s: snapshot %d is no longer in the table (expired?);"
                  + " plan the splits again",
              tableName, snapshotId));
    }
    return RecordBatchStream.open(
        ScanPlan.ofTasks(readContext(table, batchSize, maxBatchBytes), tasks, outputColumns),
        allocator);
  }

  private ReadContext readContext(Table table, int batchSize, long maxBatchBytes) {
    Schema expected = ScanPlan.withFilterColumns(projection, schema, filter, caseSensitive);
    NameMapping mapping = nameMapping == null ? null : NameMappingParser.fromJson(nameMapping);
    // The whole filter, not each task's residual: residuals are recomputed from it per file, so a
    // split reads exactly as the scan does, whatever Iceberg planned with (see ScanPlan) and
    // however a residual survived the trip through JSON.
    return new ReadContext(
        table.name(),
        schema,
        projection,
        expected,
        metadataColumns.stream().map(MetadataColumn::fromName).toList(),
        caseSensitive,
        batchSize,
        table.io(),
        mapping,
        filter,
        maxBatchBytes);
  }
}
