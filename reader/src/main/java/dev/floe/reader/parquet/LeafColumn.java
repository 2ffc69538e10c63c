package dev.floe.reader.parquet;

import java.util.Arrays;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.PrimitiveConverter;

/**
 * One leaf column of a nested column: reads the repetition and definition levels of the next rows
 * of a row group and writes the leaf's values into its Arrow vector, one slot per entry whose
 * definition level reaches the nearest repeated ancestor (entries below it stand for a null or
 * empty ancestor and have no slot here). The levels stay in {@link #repetition} and {@link
 * #definition} for the nodes above to build their validity and offsets from.
 *
 * <p>Values go through parquet-mr's {@link ColumnReader} (every encoding, dictionaries, V1 and V2
 * pages) and {@link ParquetDecoders}' value readers, which do Iceberg's type promotions.
 */
final class LeafColumn {
  private static final PrimitiveConverter NO_CONVERTER = new PrimitiveConverter() {};

  private final ColumnDescriptor descriptor;
  private final ParquetDecoders.ValueReader values;
  private final int slotDefinition;
  private final int maxDefinition;
  private ColumnReader reader;
  private long remaining;

  /** Levels of the entries read by the last {@link #read}, {@code [0, entries)}. */
  int[] repetition = new int[0];

  int[] definition = new int[0];
  int entries;

  /** Slots written to the leaf vector by the last {@link #read}. */
  int slots;

  LeafColumn(ColumnDescriptor descriptor, ParquetDecoders.ValueReader values, int slotDefinition) {
    this.descriptor = descriptor;
    this.values = values;
    this.slotDefinition = slotDefinition;
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
  }

  ColumnDescriptor descriptor() {
    return descriptor;
  }

  void startRowGroup(PageReadStore pages) {
    PageReader pageReader = pages.getPageReader(descriptor);
    this.remaining = pageReader.getTotalValueCount();
    this.reader = new ColumnReaderImpl(descriptor, pageReader, NO_CONVERTER, null);
  }

  /**
   * Reads the entries of the next {@code rows} top-level rows (a row starts at each repetition
   * level 0) and writes their values into {@code vector}, which the caller has reset.
   */
  void read(FieldVector vector, int rows) {
    ColumnReader column = reader;
    boolean fixedWidth = vector instanceof BaseFixedWidthVector;
    int capacity = vector.getValueCapacity();
    int[] rep = repetition;
    int[] def = definition;
    int count = 0;
    int slot = 0;
    int started = 0;
    long left = remaining;
    while (left > 0) {
      int r = column.getCurrentRepetitionLevel();
      if (r == 0) {
        if (started == rows) {
          break;
        }
        started++;
      }
      int d = column.getCurrentDefinitionLevel();
      if (count == rep.length) {
        int size = Math.max(64, count * 2);
        rep = Arrays.copyOf(rep, size);
        def = Arrays.copyOf(def, size);
      }
      rep[count] = r;
      def[count] = d;
      count++;
      if (d >= slotDefinition) {
        if (d >= maxDefinition) {
          if (fixedWidth && slot >= capacity) {
            while (slot >= capacity) {
              vector.reAlloc();
              capacity = vector.getValueCapacity();
            }
          }
          values.read(column, vector, slot);
        }
        slot++;
      }
      column.consume();
      left--;
    }
    this.remaining = left;
    this.repetition = rep;
    this.definition = def;
    this.entries = count;
    this.slots = slot;
    if (started < rows) {
      throw new IllegalStateException(
          String.format(
              "Cannot read column %s: the row group ends after %d of %d rows",
              String.join(".", descriptor.getPath()), started, rows));
    }
  }
}
