package dev.floe.reader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Rows per batch under {@link ReadContext#maxBatchBytes}: the budget over an estimate of the bytes
 * a row takes in Arrow buffers, per column. At the start of each row group / stripe the estimate
 * comes from the file alone: fixed widths, and for variable-width columns the manifest's column
 * size per row, taken {@value #COMPRESSION_ALLOWANCE} times (it is the compressed size). After each
 * batch the estimate follows what the batch really took, growing at once and shrinking slowly.
 * Starting over at each row group keeps a file read whole and read as splits cut into the same
 * batches.
 */
final class BatchRows {
  /** Decoded bytes assumed per stored byte of a variable-width column, for a first batch. */
  private static final int COMPRESSION_ALLOWANCE = 4;

  /** A variable-width column of unknown size is taken to fill this share of the budget per row. */
  private static final int UNKNOWN_WIDTH_ROWS = 16;

  /** The share of the budget aimed at, leaving room for rows longer than the estimate. */
  private static final double TARGET = 0.9;

  private final long budget;
  private final double fromFile;
  private final double metadataPerRow;
  private double estimate;

  private BatchRows(long budget, double fromFile, double metadataPerRow) {
    this.budget = budget;
    this.fromFile = fromFile;
    this.metadataPerRow = metadataPerRow;
    this.estimate = fromFile;
  }

  /** The rows of a file's batches under the context's byte budget, or null if it has none. */
  static BatchRows of(ReadContext context, DataFile file, Schema readSchema) {
    if (!context.boundsBatchBytes()) {
      return null;
    }
    long budget = context.maxBatchBytes();
    Map<Integer, Long> sizes = file.columnSizes();
    long records = Math.max(1, file.recordCount());
    double perRow = 0;
    for (Types.NestedField column : readSchema.columns()) {
      perRow += columnBytes(column.type(), column.fieldId(), sizes, records, budget);
    }
    double metadata = 0;
    for (MetadataColumn column : context.metadataColumns()) {
      metadata +=
          switch (column) {
            case FILE -> 5 + file.location().getBytes(StandardCharsets.UTF_8).length;
            case POS -> 9;
            case SPEC_ID -> 5;
          };
    }
    return new BatchRows(budget, perRow, metadata);
  }

  private static double columnBytes(
      Type type, int fieldId, Map<Integer, Long> sizes, long records, long budget) {
    double validity = 1; // a bit per row, rounded up generously
    switch (type.typeId()) {
      case BOOLEAN:
        return validity + 1;
      case INTEGER:
      case DATE:
      case FLOAT:
        return validity + 4;
      case LONG:
      case TIME:
      case TIMESTAMP:
      case TIMESTAMP_NANO:
      case DOUBLE:
        return validity + 8;
      case DECIMAL:
      case UUID:
        return validity + 16;
      case FIXED:
        return validity + ((Types.FixedType) type).length();
      default:
        Long stored = sizes == null ? null : sizes.get(fieldId);
        if (stored == null) {
          return (double) budget / UNKNOWN_WIDTH_ROWS;
        }
        return validity + 4 + COMPRESSION_ALLOWANCE * (double) stored / records;
    }
  }

  /** Bytes per row of the metadata columns. */
  double metadataPerRow() {
    return metadataPerRow;
  }

  /**
   * The most rows the next batch of {@code source} may decode; at the start of a row group / stripe
   * the estimate starts over.
   */
  int maxRows(BatchSource source) {
    if (source.atBlockStart()) {
      estimate = fromFile;
    }
    double rows = budget * TARGET / Math.max(1e-9, estimate + metadataPerRow);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, rows));
  }

  /** Learns from a decoded batch of {@code rows} rows in {@code vectors}. */
  void observe(int rows, List<FieldVector> vectors) {
    if (rows <= 0) {
      return;
    }
    long bytes = 0;
    for (FieldVector vector : vectors) {
      bytes += vector.getBufferSize();
    }
    double observed = (double) bytes / rows;
    estimate = Math.max(observed, 0.75 * estimate);
  }
}
