package dev.floe.reader.parquet;

import dev.floe.arrow.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The pages of one leaf column chunk of a nested column, decoded a whole page at a time: repetition
 * and definition levels (RLE / bit-packed hybrid, or the old BIT_PACKED encoding) into int arrays,
 * and PLAIN or dictionary-encoded values into {@link PageValues}, which {@link #writeValue} copies
 * or widens straight into Arrow memory. {@link LeafColumn} walks the levels entry by entry; values
 * of the types and encodings {@link PageDecoder} knows come from here, every other column goes
 * through parquet-mr's {@code ColumnReader}.
 */
final class LeafPages {
  private final ColumnDescriptor descriptor;
  private final PrimitiveTypeName physical;
  private final PageDecoder.Target target;
  private final int maxRepetition;
  private final int maxDefinition;
  private PageReader pages;
  private PageValues dictionary;
  private final PageValues values = new PageValues();

  /** The current page's levels, {@code [0, pageEntries)}, and the next entry to read. */
  int[] repetition = new int[0];

  int[] definition = new int[0];
  int pageEntries;
  int pagePosition;
  private int valueIndex;

  private FieldVector vector;
  private long validity;
  private long data;
  private long offsets;
  private int capacity;
  private long dataCapacity;
  private int byteOffset;
  private boolean variableWidth;

  LeafPages(ColumnDescriptor descriptor, PageDecoder.Target target) {
    this.descriptor = descriptor;
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.target = target;
    this.maxRepetition = descriptor.getMaxRepetitionLevel();
    this.maxDefinition = descriptor.getMaxDefinitionLevel();
  }

  void startRowGroup(PageReader pageReader) {
    this.pages = pageReader;
    this.pageEntries = 0;
    this.pagePosition = 0;
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    this.dictionary = null;
    if (dictionaryPage != null) {
      try {
        PageValues decoded = new PageValues();
        decoded.readPlain(
            dictionaryPage.getBytes().toByteArray(),
            0,
            dictionaryPage.getDictionarySize(),
            physical,
            descriptor.getPrimitiveType().getTypeLength());
        this.dictionary = decoded;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Decodes the next page of the chunk. */
  void readPage() {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new IllegalStateException("Cannot read column " + descriptor + ": no more pages");
    }
    try {
      int entries = page.getValueCount();
      if (repetition.length < entries) {
        repetition = new int[entries];
        definition = new int[entries];
      }
      int present;
      if (page instanceof DataPageV1 v1) {
        byte[] bytes = v1.getBytes().toByteArray();
        int offset = levelsV1(bytes, 0, v1.getRlEncoding(), maxRepetition, repetition, entries);
        offset = levelsV1(bytes, offset, v1.getDlEncoding(), maxDefinition, definition, entries);
        present = present(entries);
        readValues(v1.getValueEncoding(), bytes, offset, present);
      } else {
        DataPageV2 v2 = (DataPageV2) page;
        byte[] rep = v2.getRepetitionLevels().toByteArray();
        byte[] def = v2.getDefinitionLevels().toByteArray();
        levels(rep, 0, rep.length, maxRepetition, repetition, entries);
        levels(def, 0, def.length, maxDefinition, definition, entries);
        present = present(entries);
        readValues(v2.getDataEncoding(), v2.getData().toByteArray(), 0, present);
      }
      this.pageEntries = entries;
      this.pagePosition = 0;
      this.valueIndex = 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int present(int entries) {
    int present = 0;
    for (int i = 0; i < entries; i++) {
      if (definition[i] == maxDefinition) {
        present++;
      }
    }
    return present;
  }

  /** Decodes V1 levels at {@code offset}; returns the offset after them. */
  private static int levelsV1(
      byte[] bytes, int offset, Encoding encoding, int maxLevel, int[] out, int entries) {
    if (maxLevel == 0) {
      java.util.Arrays.fill(out, 0, entries, 0);
      return offset;
    }
    int width = 32 - Integer.numberOfLeadingZeros(maxLevel);
    if (encoding == Encoding.BIT_PACKED) {
      // the deprecated encoding: values packed most significant bit first, no length
      for (int i = 0; i < entries; i++) {
        int value = 0;
        for (int b = 0; b < width; b++) {
          long bit = (long) i * width + b;
          value = (value << 1) | ((bytes[offset + (int) (bit >>> 3)] >> (7 - (bit & 7))) & 1);
        }
        out[i] = value;
      }
      return offset + (int) (((long) entries * width + 7) / 8);
    }
    int length = PageDecoder.littleEndianInt(bytes, offset);
    new HybridDecoder(bytes, offset + 4, offset + 4 + length, width).read(out, entries);
    return offset + 4 + length;
  }

  private static void levels(
      byte[] bytes, int start, int end, int maxLevel, int[] out, int entries) {
    if (maxLevel == 0) {
      java.util.Arrays.fill(out, 0, entries, 0);
      return;
    }
    int width = 32 - Integer.numberOfLeadingZeros(maxLevel);
    new HybridDecoder(bytes, start, end, width).read(out, entries);
  }

  private void readValues(Encoding encoding, byte[] bytes, int offset, int count) {
    switch (encoding) {
      case PLAIN:
        values.readPlain(
            bytes, offset, count, physical, descriptor.getPrimitiveType().getTypeLength());
        break;
      case PLAIN_DICTIONARY:
      case RLE_DICTIONARY:
        if (dictionary == null) {
          throw new IllegalStateException("Cannot decode " + descriptor + ": no dictionary page");
        }
        if (count == 0) {
          return;
        }
        int bitWidth = bytes[offset] & 0xFF;
        values.readDictionaryIds(bytes, offset + 1, bytes.length, bitWidth, count, dictionary);
        break;
      default:
        throw new IllegalStateException(
            "Cannot decode " + descriptor + ": unexpected encoding " + encoding);
    }
  }

  /** Starts writing a batch into {@code target}, which the caller has reset. */
  void beginBatch(FieldVector target) {
    this.vector = target;
    this.byteOffset = 0;
    this.variableWidth = target instanceof BaseVariableWidthVector;
    refresh();
  }

  /** Ends the batch after {@code slots} slots. */
  void endBatch(int slots) {
    if (vector instanceof BaseVariableWidthVector variable) {
      variable.setLastSet(slots - 1);
    }
    this.vector = null;
  }

  private void refresh() {
    validity = vector.getValidityBuffer().memoryAddress();
    data = vector.getDataBuffer().memoryAddress();
    capacity = vector.getValueCapacity();
    if (variableWidth) {
      offsets = vector.getOffsetBuffer().memoryAddress();
      dataCapacity = vector.getDataBuffer().capacity();
    }
  }

  /** Makes room for slots up to {@code slot}; the writes below rely on it. */
  void ensure(int slot) {
    if (slot >= capacity) {
      while (slot >= capacity) {
        vector.reAlloc();
        capacity = vector.getValueCapacity();
      }
      refresh();
    }
  }

  /** Writes the page's next value into {@code slot}, within the room {@link #ensure} made. */
  void writeValue(int slot) {
    Vectors.setBit(validity, slot, true);
    long[] longs = values.longs;
    int index = valueIndex++;
    switch (target) {
      case INT32:
        MemoryUtil.putInt(data + 4L * slot, (int) longs[index]);
        break;
      case INT64:
        MemoryUtil.putLong(data + 8L * slot, longs[index]);
        break;
      case INT64_FROM_FLOAT_BITS:
        MemoryUtil.putLong(
            data + 8L * slot, Double.doubleToRawLongBits(Float.intBitsToFloat((int) longs[index])));
        break;
      case DECIMAL_FROM_LONG:
        MemoryUtil.putLong(data + 16L * slot, longs[index]);
        MemoryUtil.putLong(data + 16L * slot + 8, longs[index] >> 63);
        break;
      case BYTES:
        {
          int length = values.lengths[index];
          if (byteOffset + (long) length > dataCapacity) {
            Vectors.reserveData((BaseVariableWidthVector) vector, byteOffset + (long) length);
            refresh();
          }
          MemoryUtil.copyToMemory(
              values.bytes(index), values.starts[index], data + byteOffset, length);
          byteOffset += length;
          MemoryUtil.putInt(offsets + 4L * (slot + 1), byteOffset);
          break;
        }
      case FIXED_BYTES:
        {
          int width = descriptor.getPrimitiveType().getTypeLength();
          if (values.lengths[index] != width) {
            throw new IllegalStateException(
                String.format(
                    "Invalid fixed-width value: %d bytes, expected %d",
                    values.lengths[index], width));
          }
          MemoryUtil.copyToMemory(
              values.bytes(index), values.starts[index], data + (long) width * slot, width);
          break;
        }
      default:
        throw new IllegalStateException("Unknown target " + target);
    }
  }

  /** Writes a null into {@code slot} (its validity bit is already clear). */
  void writeNull(int slot) {
    if (variableWidth) {
      MemoryUtil.putInt(offsets + 4L * (slot + 1), byteOffset);
    }
  }
}
