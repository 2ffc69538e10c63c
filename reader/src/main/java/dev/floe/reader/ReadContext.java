package dev.floe.reader;

import static java.util.Objects.requireNonNull;

import dev.floe.delete.DeleteCache;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.ResidualEvaluator;
import org.apache.iceberg.expressions.StrictMetricsEvaluator;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Everything that is the same for every file of one scan.
 *
 * @param tableName for messages
 * @param tableSchema the schema of the scanned snapshot
 * @param projection the data columns handed to the user, in output order
 * @param expectedSchema {@code projection} plus the columns the filter needs
 * @param metadataColumns metadata columns appended after the data columns ({@code _file}, ...)
 * @param caseSensitive whether names in the filter are case sensitive
 * @param batchSize maximum rows per batch
 * @param io opens data and delete files
 * @param nameMapping for files written without field ids; may be null
 * @param rowFilter the scan's whole filter, from which each file's residual is computed (Iceberg
 *     may have planned the tasks with a weaker one); null to take each task's own residual
 * @param maxBatchBytes bytes a batch's buffers may take before the batch's row count shrinks below
 *     {@code batchSize}; {@link Long#MAX_VALUE} for batches bounded by rows only
 * @param deleteCache the delete files this scan has loaded, shared by its data files and threads;
 *     cleared when the scan releases its files
 */
public record ReadContext(
    String tableName,
    Schema tableSchema,
    Schema projection,
    Schema expectedSchema,
    List<MetadataColumn> metadataColumns,
    boolean caseSensitive,
    int batchSize,
    FileIO io,
    NameMapping nameMapping,
    Expression rowFilter,
    long maxBatchBytes,
    DeleteCache deleteCache) {
  /** A context with a delete cache of its own, of {@link DeleteCache#DEFAULT_MAX_BYTES}. */
  public ReadContext(
      String tableName,
      Schema tableSchema,
      Schema projection,
      Schema expectedSchema,
      List<MetadataColumn> metadataColumns,
      boolean caseSensitive,
      int batchSize,
      FileIO io,
      NameMapping nameMapping,
      Expression rowFilter,
      long maxBatchBytes) {
    this(
        tableName,
        tableSchema,
        projection,
        expectedSchema,
        metadataColumns,
        caseSensitive,
        batchSize,
        io,
        nameMapping,
        rowFilter,
        maxBatchBytes,
        DeleteCache.withDefaultBound());
  }

  public ReadContext {
    requireNonNull(tableName, "tableName is null");
    requireNonNull(tableSchema, "tableSchema is null");
    requireNonNull(projection, "projection is null");
    requireNonNull(expectedSchema, "expectedSchema is null");
    metadataColumns = List.copyOf(requireNonNull(metadataColumns, "metadataColumns is null"));
    requireNonNull(io, "io is null");
    requireNonNull(deleteCache, "deleteCache is null");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("Invalid batch size: " + batchSize + ", expected > 0");
    }
    if (maxBatchBytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid maxBatchBytes: " + maxBatchBytes + ", expected > 0 bytes");
    }
  }

  /** A context whose batches are bounded by rows only, with a delete cache of its own. */
  public ReadContext(
      String tableName,
      Schema tableSchema,
      Schema projection,
      Schema expectedSchema,
      List<MetadataColumn> metadataColumns,
      boolean caseSensitive,
      int batchSize,
      FileIO io,
      NameMapping nameMapping,
      Expression rowFilter) {
    this(
        tableName,
        tableSchema,
        projection,
        expectedSchema,
        metadataColumns,
        caseSensitive,
        batchSize,
        io,
        nameMapping,
        rowFilter,
        Long.MAX_VALUE);
  }

  /** Whether batches are also bounded by {@link #maxBatchBytes}. */
  public boolean boundsBatchBytes() {
    return maxBatchBytes != Long.MAX_VALUE;
  }

  /**
   * The filter every row of the task's file must still pass: the task's residual, or true when the
   * file's column statistics prove that every row matches it (Iceberg's strict metrics evaluator),
   * so that such a file's rows are not evaluated one by one. No proof is attempted for filters on
   * nanosecond timestamps (Iceberg's ORC writer stores their bounds in the wrong unit, see {@code
   * ScanPlan}) or on columns with an initial default (older files do not store them).
   */
  public Expression residual(FileScanTask task) {
    Expression residual = partitionResidual(task);
    return provenForEveryRow(residual, task.file()) ? Expressions.alwaysTrue() : residual;
  }

  private Expression partitionResidual(FileScanTask task) {
    if (rowFilter == null) {
      return task.residual();
    }
    try {
      if (FilterColumns.refersToType(tableSchema, rowFilter, caseSensitive, Type.TypeID.UUID)) {
        // Iceberg evaluates UUID predicates on partition values in signed order (see
        // FilterColumns.planningFilter): the whole filter, applied to every row, is never wrong
        return rowFilter;
      }
      return ResidualEvaluator.of(task.spec(), rowFilter, caseSensitive)
          .residualFor(task.file().partition());
    } catch (RuntimeException e) {
      // Iceberg 1.11's residual of notIn on a null partition value throws (its CharSequenceSet
      // rejects null); the whole filter, applied to every row, is never wrong
      return rowFilter;
    }
  }

  private boolean provenForEveryRow(Expression residual, DataFile file) {
    if (residual == null || residual.op() == Expression.Operation.TRUE) {
      return false;
    }
    try {
      if (FilterColumns.planningFilter(tableSchema, residual, caseSensitive) != residual) {
        return false;
      }
      for (int id :
          Binder.boundReferences(tableSchema.asStruct(), List.of(residual), caseSensitive)) {
        Types.NestedField field = tableSchema.findField(id);
        if (field == null || field.initialDefault() != null) {
          return false;
        }
      }
      return new StrictMetricsEvaluator(tableSchema, residual, caseSensitive).eval(file);
    } catch (RuntimeException e) {
      return false; // no proof: every row is evaluated
    }
  }
}
