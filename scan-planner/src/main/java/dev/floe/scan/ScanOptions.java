package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The immutable options of a {@link DataScan}. Every {@code withX} returns a copy; several changes
 * at once go through {@link #toBuilder()}. Values are range-checked by {@link DataScan}'s methods
 * and again when the scan is planned.
 *
 * @param columns selected column names in output order, or null for all columns
 * @param filter rows to return, applied exactly
 * @param caseSensitive whether column names are matched case sensitively
 * @param snapshotId snapshot to read, or null
 * @param asOfTimestampMillis read the snapshot current at this time, or null
 * @param ref branch or tag to read, or null
 * @param limit maximum rows, or -1 for no limit
 * @param metadataColumns metadata columns to append, in order
 * @param parallelism splits read at once, each on its own thread; 1 reads on the caller's thread
 * @param maxBufferedBytes bytes of decoded batches that parallel workers may hold ahead of the
 *     consumer
 * @param maxBatchBytes bytes a batch's buffers may take before its row count shrinks, or {@link
 *     Long#MAX_VALUE} for batches bounded by rows only
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
    int parallelism,
    long maxBufferedBytes,
    long maxBatchBytes) {
  /** The default of {@link #maxBufferedBytes}: 64 MiB. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 64L << 20;

  public ScanOptions {
    columns = columns == null ? null : List.copyOf(columns);
    requireNonNull(filter, "filter is null");
    metadataColumns = List.copyOf(requireNonNull(metadataColumns, "metadataColumns is null"));
  }

  /**
   * All columns, no filter, case sensitive, the current snapshot, no limit, one split at a time, 64
   * MiB decoded ahead, batches bounded by rows only.
   */
  public static ScanOptions defaults() {
    return new Builder().build();
  }

  /** A builder holding these options, to change several at once. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public ScanOptions withColumns(List<String> newColumns) {
    return toBuilder().columns(newColumns).build();
  }

  public ScanOptions withFilter(Expression newFilter) {
    return toBuilder().filter(newFilter).build();
  }

  public ScanOptions withCaseSensitive(boolean newCaseSensitive) {
    return toBuilder().caseSensitive(newCaseSensitive).build();
  }

  public ScanOptions withSnapshotId(Long newSnapshotId) {
    return toBuilder().snapshotId(newSnapshotId).build();
  }

  public ScanOptions withAsOfTimestampMillis(Long newAsOf) {
    return toBuilder().asOfTimestampMillis(newAsOf).build();
  }

  public ScanOptions withRef(String newRef) {
    return toBuilder().ref(newRef).build();
  }

  public ScanOptions withLimit(long newLimit) {
    return toBuilder().limit(newLimit).build();
  }

  public ScanOptions withMetadataColumns(List<String> newMetadataColumns) {
    return toBuilder().metadataColumns(newMetadataColumns).build();
  }

  public ScanOptions withParallelism(int newParallelism) {
    return toBuilder().parallelism(newParallelism).build();
  }

  public ScanOptions withMaxBufferedBytes(long newMaxBufferedBytes) {
    return toBuilder().maxBufferedBytes(newMaxBufferedBytes).build();
  }

  public ScanOptions withMaxBatchBytes(long newMaxBatchBytes) {
    return toBuilder().maxBatchBytes(newMaxBatchBytes).build();
  }

  /** Mutable holder of the options; {@link #build()} makes the immutable copy. */
  public static final class Builder {
    private List<String> columns;
    private Expression filter = Expressions.alwaysTrue();
    private boolean caseSensitive = true;
    private Long snapshotId;
    private Long asOfTimestampMillis;
    private String ref;
    private long limit = -1;
    private List<String> metadataColumns = List.of();
    private int parallelism = 1;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private long maxBatchBytes = Long.MAX_VALUE;

    /** A builder of the {@link #defaults()}. */
    public Builder() {}

    private Builder(ScanOptions options) {
      this.columns = options.columns;
      this.filter = options.filter;
      this.caseSensitive = options.caseSensitive;
      this.snapshotId = options.snapshotId;
      this.asOfTimestampMillis = options.asOfTimestampMillis;
      this.ref = options.ref;
      this.limit = options.limit;
      this.metadataColumns = options.metadataColumns;
      this.parallelism = options.parallelism;
      this.maxBufferedBytes = options.maxBufferedBytes;
      this.maxBatchBytes = options.maxBatchBytes;
    }

    public Builder columns(List<String> value) {
      this.columns = value;
      return this;
    }

    public Builder filter(Expression value) {
      this.filter = requireNonNull(value, "filter is null");
      return this;
    }

    public Builder caseSensitive(boolean value) {
      this.caseSensitive = value;
      return this;
    }

    public Builder snapshotId(Long value) {
      this.snapshotId = value;
      return this;
    }

    public Builder asOfTimestampMillis(Long value) {
      this.asOfTimestampMillis = value;
      return this;
    }

    public Builder ref(String value) {
      this.ref = value;
      return this;
    }

    public Builder limit(long value) {
      this.limit = value;
      return this;
    }

    public Builder metadataColumns(List<String> value) {
      this.metadataColumns = requireNonNull(value, "metadataColumns is null");
      return this;
    }

    public Builder parallelism(int value) {
      this.parallelism = value;
      return this;
    }

    public Builder maxBufferedBytes(long value) {
      this.maxBufferedBytes = value;
      return this;
    }

    public Builder maxBatchBytes(long value) {
      this.maxBatchBytes = value;
      return this;
    }

    public ScanOptions build() {
      return new ScanOptions(
          columns,
          filter,
          caseSensitive,
          snapshotId,
          asOfTimestampMillis,
          ref,
          limit,
          metadataColumns,
          parallelism,
          maxBufferedBytes,
          maxBatchBytes);
    }
  }
}
