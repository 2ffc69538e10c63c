package dev.floe.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * What reading one file scan task holds at its peak, estimated from manifest metadata alone (no
 * data file is opened): the largest row group or stripe's share of the projected columns (the
 * decoder keeps one row group's compressed column chunks, or one stripe's streams), the reused
 * output batch, and the task's deletes once loaded.
 *
 * <p>A scan holds one task at a time, so its peak is the largest task's estimate, plus the JVM's
 * own baseline, which is not counted here. With parallelism n, {@link #atOnce} adds up the n
 * largest tasks and the batches waiting between them and the consumer. Variable-width values are
 * sized from their compressed on-disk bytes per value, times three; Arrow buffers are rounded up to
 * powers of two.
 */
record MemoryEstimate(long decoderBytes, long batchBytes, long deleteBytes) {
  private static final int POSITION_DELETE_BYTES = 8;
  private static final int EQUALITY_ROW_BYTES = 64;
  private static final int EQUALITY_FIELD_BYTES = 32;

  long total() {
    return decoderBytes + batchBytes + deleteBytes;
  }

  /**
   * The peak of a scan reading {@code files} data files at once, from the estimates of its largest
   * tasks ({@code largest}, at most {@code files} of them). One file at a time, that is the largest
   * task. Above one, the scan's reader threads hold that many files at once (each with its decoder
   * state, deletes and one batch, being decoded or waiting to be handed over), and further batches
   * are in flight: a queue of {@code files} finished batches and the one the consumer holds.
   */
  static MemoryEstimate atOnce(List<MemoryEstimate> largest, int files) {
    if (largest.isEmpty()) {
      throw new IllegalArgumentException("Cannot estimate a scan of no files");
    }
    if (files <= 1 || largest.size() == 1) {
      return largest.stream().max(Comparator.comparingLong(MemoryEstimate::total)).orElseThrow();
    }
    long decoder = 0;
    long batches = 0;
    long deletes = 0;
    long largestBatch = 0;
    for (MemoryEstimate task : largest) {
      decoder += task.decoderBytes();
      batches += task.batchBytes();
      deletes += task.deleteBytes();
      largestBatch = Math.max(largestBatch, task.batchBytes());
    }
    int reading = largest.size();
    return new MemoryEstimate(decoder, batches + (reading + 1L) * largestBatch, deletes);
  }

  static MemoryEstimate of(FileScanTask task, Schema projection, int batchSize) {
    DataFile file = task.file();
    long decoder = (long) (largestRowGroup(file) * projectedShare(file, projection.columns()));
    long rows = Math.min(batchSize, Math.max(file.recordCount(), 1));
    long batch = batchBytes(file, projection.columns(), rows);
    if (file.format() == FileFormat.ORC) {
      batch *= 2; // ORC decodes into a VectorizedRowBatch first, then into Arrow
    }
    long deletes = 0;
    for (DeleteFile delete : task.deletes()) {
      deletes += deleteBytes(delete);
    }
    return new MemoryEstimate(decoder, batch, deletes);
  }

  private static long largestRowGroup(DataFile file) {
    List<Long> offsets = file.splitOffsets();
    if (offsets == null || offsets.isEmpty()) {
      return file.fileSizeInBytes();
    }
    long largest = 0;
    for (int i = 0; i < offsets.size(); i++) {
      long end = i + 1 < offsets.size() ? offsets.get(i + 1) : file.fileSizeInBytes();
      largest = Math.max(largest, end - offsets.get(i));
    }
    return largest;
  }

  private static double projectedShare(DataFile file, List<Types.NestedField> columns) {
    Map<Integer, Long> sizes = file.columnSizes();
    if (sizes == null || sizes.isEmpty()) {
      return 1.0;
    }
    long all = sizes.values().stream().mapToLong(Long::longValue).sum();
    long projected = 0;
    for (Types.NestedField column : columns) {
      projected += sizes.getOrDefault(column.fieldId(), 0L);
    }
    return all == 0 ? 1.0 : Math.min(1.0, (double) projected / all);
  }

  private static long batchBytes(DataFile file, List<Types.NestedField> columns, long rows) {
    Map<Integer, Long> sizes = file.columnSizes();
    long total = 0;
    for (Types.NestedField column : columns) {
      long validity = powerOfTwo((rows + 7) / 8);
      int width = fixedWidth(column.type());
      if (width > 0) {
        total += validity + powerOfTwo(rows * width);
      } else {
        long onDisk = sizes == null ? 0 : sizes.getOrDefault(column.fieldId(), 0L);
        long perValue = Math.max(8, 3 * onDisk / Math.max(file.recordCount(), 1));
        total += validity + powerOfTwo(rows * 4 + 4) + powerOfTwo(rows * perValue);
      }
    }
    return total;
  }

  /** Bytes per value of a fixed-width Arrow vector, or 0 for variable width. */
  private static int fixedWidth(Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return 1;
      case INTEGER:
      case DATE:
      case FLOAT:
        return 4;
      case LONG:
      case DOUBLE:
      case TIME:
      case TIMESTAMP:
      case TIMESTAMP_NANO:
        return 8;
      case DECIMAL:
      case UUID:
        return 16;
      case FIXED:
        return ((Types.FixedType) type).length();
      default:
        return 0;
    }
  }

  private static long deleteBytes(DeleteFile delete) {
    if (delete.content() == FileContent.POSITION_DELETES) {
      if (delete.format() == FileFormat.PUFFIN && delete.contentSizeInBytes() != null) {
        return delete.contentSizeInBytes(); // a deletion vector: the bitmap itself
      }
      return delete.recordCount() * POSITION_DELETE_BYTES;
    }
    List<Integer> fields = delete.equalityFieldIds();
    int count = fields == null ? 1 : Set.copyOf(fields).size();
    return delete.recordCount() * (EQUALITY_ROW_BYTES + (long) EQUALITY_FIELD_BYTES * count);
  }

  private static long powerOfTwo(long bytes) {
    long value = Math.max(bytes, 8);
    return Long.highestOneBit(value - 1) << 1;
  }
}
