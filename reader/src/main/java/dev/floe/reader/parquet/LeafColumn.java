package dev.floe.reader.parquet;

import java.util.Arrays;
import java.util.Map;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
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
  private final LeafPages pages;
  private LeafPages currentPages;
  private ColumnReader reader;
  private long remaining;

  /** Levels of the entries read by the last {@link #read}, {@code [0, entries)}. */
  int[] repetition = new int[0];

  int[] definition = new int[0];
  int entries;

  /** Slots written to the leaf vector by the last {@link #read}. */
  int slots;

  /**
   * @param pages the page-at-a-time decoder of the leaf, or null if its type needs parquet-mr's
   * @param slotDefinition the definition level from which an entry has a slot in the leaf vector
   */
  LeafColumn(
      ColumnDescriptor descriptor,
      ParquetDecoders.ValueReader values,
      LeafPages pages,
      int slotDefinition) {
    this.descriptor = descriptor;
    this.values = values;
    this.pages = pages;
    this.slotDefinition = slotDefinition;
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
  }

  ColumnDescriptor descriptor() {
    return descriptor;
  }

  /**
   * Switches to the leaf's chunk of a new row group: decoded page by page when {@link LeafPages}
   * handles its type and every encoding the chunk uses, else value by value.
   */
  void startRowGroup(PageReadStore store, Map<ColumnPath, ColumnChunkMetaData> metadata) {
    PageReader pageReader = store.getPageReader(descriptor);
    this.remaining = pageReader.getTotalValueCount();
    ColumnChunkMetaData chunk = metadata.get(ColumnPath.get(descriptor.getPath()));
    if (pages != null && PageDecoder.supports(chunk)) {
      this.currentPages = pages;
      this.reader = null;
      pages.startRowGroup(pageReader);
    } else {
      this.currentPages = null;
      this.reader = new ColumnReaderImpl(descriptor, pageReader, NO_CONVERTER, null);
    }
  }

  /**
   * Reads the entries of the next {@code rows} top-level rows (levels only if {@code vector} is
   * null) (a row starts at each repetition level 0) and writes their values into {@code vector},
   * which the caller has reset.
   */
  void read(FieldVector vector, int rows) {
    if (currentPages != null) {
      readPages(currentPages, vector, rows);
      return;
    }
    ColumnReader column = reader;
    boolean fixedWidth = vector instanceof BaseFixedWidthVector;
    boolean levelsOnly = vector == null;
    int capacity = levelsOnly ? 0 : vector.getValueCapacity();
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
        if (d >= maxDefinition && !levelsOnly) {
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
    checkRows(started, rows);
  }

  private void readPages(LeafPages source, FieldVector vector, int rows) {
    source.beginBatch(vector);
    int count = 0;
    int slot = 0;
    int started = 0;
    long left = remaining;
    while (left > 0) {
      if (source.pagePosition == source.pageEntries) {
        source.readPage();
      }
      // the entries of this page that belong to the batch: up to the next row past the batch
      int[] pageRep = source.repetition;
      int[] pageDef = source.definition;
      int from = source.pagePosition;
      int to = from;
      int limit = (int) Math.min(source.pageEntries, from + left);
      boolean full = false;
      while (to < limit) {
        if (pageRep[to] == 0) {
          if (started == rows) {
            full = true;
            break;
          }
          started++;
        }
        to++;
      }
      int length = to - from;
      if (count + length > repetition.length) {
        int size = Math.max(Math.max(64, count + length), repetition.length * 2);
        repetition = Arrays.copyOf(repetition, size);
        definition = Arrays.copyOf(definition, size);
      }
      System.arraycopy(pageRep, from, repetition, count, length);
      System.arraycopy(pageDef, from, definition, count, length);
      count += length;
      int slotDef = slotDefinition;
      int maxDef = maxDefinition;
      if (length > 0) {
        source.ensure(slot + length - 1);
      }
      for (int e = from; e < to; e++) {
        int d = pageDef[e];
        if (d >= slotDef) {
          if (d >= maxDef) {
            source.writeValue(slot);
          } else {
            source.writeNull(slot);
          }
          slot++;
        }
      }
      source.pagePosition = to;
      left -= length;
      if (full) {
        break;
      }
    }
    source.endBatch(slot);
    this.remaining = left;
    this.entries = count;
    this.slots = slot;
    checkRows(started, rows);
  }

  private void checkRows(int started, int rows) {
    if (started < rows) {
      throw new IllegalStateException(
          String.format(
              "Cannot read column %s: the row group ends after %d of %d rows",
              String.join(".", descriptor.getPath()), started, rows));
    }
  }
}
