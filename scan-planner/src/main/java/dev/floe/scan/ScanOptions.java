package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The immutable options of a {@link DataScan}. Every {@code withX} returns a copy.
 *
 * @param columns selected column names in output order, or null for all columns
 * @param filter rows to return, applied exactly
 * @param caseSensitive whether column names are matched case sensitively
 * @param snapshotId snapshot to read, or null
 * @param asOfTimestampMillis read the snapshot current at this time, or null
 * @param ref branch or tag to read, or null
 * @param limit maximum rows, or -1 for no limit
 * @param metadataColumns metadata columns to append, in order
 * @param parallelism data files read at once, each on its own thread; 1 reads on the caller's
 *     thread
 */
public record ScanOptions(
    List<String> columns,
    Expression filter,
    boolean caseSensitive,
    Long snapshotId,
    Long asOfTimestampMillis,
    String ref,
    long limit,
    List<String> metadataColumns,
    int parallelism) {
  public ScanOptions {
    columns = columns == null ? null : List.copyOf(columns);
    requireNonNull(filter, "filter is null");
    metadataColumns = List.copyOf(requireNonNull(metadataColumns, "metadataColumns is null"));
  }

  /** All columns, no filter, case sensitive, the current snapshot, no limit, one file at a time. */
  public static ScanOptions defaults() {
    return new ScanOptions(
        null, Expressions.alwaysTrue(), true, null, null, null, -1, List.of(), 1);
  }

  public ScanOptions withColumns(List<String> newColumns) {
    return new ScanOptions(
        newColumns,
        filter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withFilter(Expression newFilter) {
    return new ScanOptions(
        columns,
        newFilter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withCaseSensitive(boolean newCaseSensitive) {
    return new ScanOptions(
        columns,
        filter,
        newCaseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withSnapshotId(Long newSnapshotId) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        newSnapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withAsOfTimestampMillis(Long newAsOf) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        snapshotId,
        newAsOf,
        ref,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withRef(String newRef) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        newRef,
        limit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withLimit(long newLimit) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        newLimit,
        metadataColumns,
        parallelism);
  }

  public ScanOptions withMetadataColumns(List<String> newMetadataColumns) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        newMetadataColumns,
        parallelism);
  }

  public ScanOptions withParallelism(int newParallelism) {
    return new ScanOptions(
        columns,
        filter,
        caseSensitive,
        snapshotId,
        asOfTimestampMillis,
        ref,
        limit,
        metadataColumns,
        newParallelism);
  }
}
