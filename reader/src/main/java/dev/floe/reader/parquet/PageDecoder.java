package dev.floe.reader.parquet;

import dev.floe.arrow.Vectors;
import java.util.EnumSet;
import java.util.Set;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.iceberg.types.Type;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes whole Parquet pages of a flat column at a time — PLAIN and dictionary-encoded values, RLE
 * / bit-packed definition levels, V1 and V2 data pages — and writes them straight into Arrow
 * memory. It handles the common physical → Arrow pairs where values are copied or widened; {@link
 * #supports} says when, and everything else goes through the value-by-value {@link
 * ParquetColumnDecoder}. State is the current page, decoded once into plain arrays, and the chunk's
 * dictionary.
 */
final class PageDecoder implements ColumnChunkDecoder {
  static final Set<Encoding> ENCODINGS =
      EnumSet.of(
          Encoding.PLAIN,
          Encoding.PLAIN_DICTIONARY,
          Encoding.RLE_DICTIONARY,
          Encoding.RLE,
          // parquet-mr lists BIT_PACKED for the empty repetition levels of flat columns
          Encoding.BIT_PACKED);

  /** How staged values land in the vector. */
  enum Target {
    BOOLEAN,
    INT32,
    INT64,
    INT64_FROM_FLOAT_BITS,
    DECIMAL_FROM_LONG,
    BYTES,
    FIXED_BYTES
  }

  private final ColumnDescriptor descriptor;
  private final PrimitiveTypeName physical;
  private final int maxDefinitionLevel;
  private final Target target;
  private PageReader pages;
  private PageValues dictionary;
  private int pageRows;
  private int pageRow;
  private boolean pageHasNulls;
  private int[] definitionLevels = new int[0];
  private final PageValues values = new PageValues();
  private int valueIndex;

  private PageDecoder(ColumnDescriptor descriptor, Target target) {
    this.descriptor = descriptor;
    this.physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.maxDefinitionLevel = descriptor.getMaxDefinitionLevel();
    this.target = target;
  }

  /** A page decoder for the pair, or null if this class does not handle it. */
  static PageDecoder create(ColumnDescriptor descriptor, Type type) {
    if (descriptor.getMaxRepetitionLevel() != 0 || descriptor.getMaxDefinitionLevel() > 1) {
      return null;
    }
    Target target = target(descriptor, type);
    return target == null ? null : new PageDecoder(descriptor, target);
  }

  /** Whether every encoding of the chunk is one this class decodes. */
  static boolean supports(ColumnChunkMetaData chunk) {
    return chunk != null && ENCODINGS.containsAll(chunk.getEncodings());
  }

  /** How values of {@code descriptor} land in a vector of {@code type}; null if not handled. */
  @SuppressWarnings("CyclomaticComplexity")
  static Target target(ColumnDescriptor descriptor, Type type) {
    PrimitiveTypeName physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
    LogicalTypeAnnotation logical = descriptor.getPrimitiveType().getLogicalTypeAnnotation();
    switch (type.typeId()) {
      case BOOLEAN:
        return physical == PrimitiveTypeName.BOOLEAN ? Target.BOOLEAN : null;
      case INTEGER:
      case DATE:
        return physical == PrimitiveTypeName.INT32 ? Target.INT32 : null;
      case LONG:
        return physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64
            ? Target.INT64
            : null;
      case FLOAT:
        return physical == PrimitiveTypeName.FLOAT ? Target.INT32 : null;
      case DOUBLE:
        if (physical == PrimitiveTypeName.FLOAT) {
          return Target.INT64_FROM_FLOAT_BITS;
        }
        return physical == PrimitiveTypeName.DOUBLE ? Target.INT64 : null;
      case TIME:
        return physical == PrimitiveTypeName.INT64 && isUnit(logical, "MICROS")
            ? Target.INT64
            : null;
      case TIMESTAMP:
        return physical == PrimitiveTypeName.INT64 && isUnit(logical, "MICROS")
            ? Target.INT64
            : null;
      case TIMESTAMP_NANO:
        return physical == PrimitiveTypeName.INT64 && isUnit(logical, "NANOS")
            ? Target.INT64
            : null;
      case DECIMAL:
        return (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64)
                && logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation
                && ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical).getScale()
                    == ((org.apache.iceberg.types.Types.DecimalType) type).scale()
            ? Target.DECIMAL_FROM_LONG
            : null;
      case STRING:
      case BINARY:
        return physical == PrimitiveTypeName.BINARY ? Target.BYTES : null;
      case FIXED:
      case UUID:
        return physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY ? Target.FIXED_BYTES : null;
      default:
        return null;
    }
  }

  private static boolean isUnit(LogicalTypeAnnotation logical, String unit) {
    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
      return ((LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) logical)
          .getUnit()
          .name()
          .equals(unit);
    }
    if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation) {
      return ((LogicalTypeAnnotation.TimeLogicalTypeAnnotation) logical)
          .getUnit()
          .name()
          .equals(unit);
    }
    return false;
  }

  @Override
  public void startRowGroup(PageReadStore store) {
    this.pages = store.getPageReader(descriptor);
    this.pageRows = 0;
    this.pageRow = 0;
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    if (dictionaryPage == null) {
      this.dictionary = null;
    } else {
      try {
        PageValues decoded = new PageValues();
        decoded.readPlain(
            dictionaryPage.getBytes().toByteArray(),
            0,
            dictionaryPage.getDictionarySize(),
            physical,
            descriptor.getPrimitiveType().getTypeLength());
        this.dictionary = decoded;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Override
  public void decode(FieldVector vector, int rows) {
    Vectors.prepare(vector, rows);
    int done = 0;
    while (done < rows) {
      if (pageRow == pageRows) {
        readPage();
      }
      int count = Math.min(rows - done, pageRows - pageRow);
      write(vector, done, count);
      done += count;
      pageRow += count;
    }
    if (vector instanceof BaseVariableWidthVector) {
      ((BaseVariableWidthVector) vector).setLastSet(rows - 1);
    }
    vector.setValueCount(rows);
  }

  private void readPage() {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new IllegalStateException("Cannot read column " + descriptor + ": no more pages");
    }
    try {
      if (page instanceof DataPageV1) {
        readPageV1((DataPageV1) page);
      } else {
        readPageV2((DataPageV2) page);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.pageRow = 0;
    this.valueIndex = 0;
  }

  private void readPageV1(DataPageV1 page) throws java.io.IOException {
    // the page's decompressed bytes where they are, without copying them into a fresh array
    java.nio.ByteBuffer buffer = page.getBytes().toByteBuffer();
    byte[] bytes;
    int start;
    int end;
    if (buffer.hasArray()) {
      bytes = buffer.array();
      start = buffer.arrayOffset() + buffer.position();
      end = start + buffer.remaining();
    } else {
      bytes = page.getBytes().toByteArray();
      start = 0;
      end = bytes.length;
    }
    int rows = page.getValueCount();
    int offset = start;
    int present = rows;
    if (maxDefinitionLevel > 0) {
      if (page.getDlEncoding() == Encoding.BIT_PACKED) {
        if (start + (rows + 7L) / 8 > end) {
          throw new IllegalStateException("Cannot decode levels of " + descriptor + ": page ends");
        }
        present = readBitPackedLevels(bytes, start, rows);
        offset = start + (rows + 7) / 8;
      } else {
        if (start + 4 > end) {
          throw new IllegalStateException("Cannot decode levels of " + descriptor + ": page ends");
        }
        int length = littleEndianInt(bytes, start);
        if (length < 0 || start + 4L + length > end) {
          throw new IllegalStateException(
              "Cannot decode levels of " + descriptor + ": length " + length + " past the page");
        }
        present = readLevels(bytes, start + 4, start + 4 + length, rows);
        offset = start + 4 + length;
      }
    }
    readValues(page.getValueEncoding(), bytes, offset, end, present);
    this.pageRows = rows;
    this.pageHasNulls = present < rows;
  }

  private void readPageV2(DataPageV2 page) throws java.io.IOException {
    if (page.isCompressed()) {
      throw new IllegalStateException("Cannot decode a compressed V2 page of " + descriptor);
    }
    int rows = page.getValueCount();
    int present = rows;
    if (maxDefinitionLevel > 0) {
      byte[] levels = page.getDefinitionLevels().toByteArray();
      present = readLevels(levels, 0, levels.length, rows);
    }
    byte[] data = page.getData().toByteArray();
    readValues(page.getDataEncoding(), data, 0, data.length, present);
    this.pageRows = rows;
    this.pageHasNulls = present < rows;
  }

  /** Decodes the definition levels of {@code rows} rows; returns the number of non-null values. */
  private int readLevels(byte[] bytes, int start, int end, int rows) {
    if (definitionLevels.length < rows) {
      definitionLevels = new int[rows];
    }
    new HybridDecoder(bytes, start, end, 1).read(definitionLevels, rows);
    int present = 0;
    for (int i = 0; i < rows; i++) {
      present += definitionLevels[i];
    }
    return present;
  }

  /** The deprecated BIT_PACKED level encoding: one bit per row, most significant bit first. */
  private int readBitPackedLevels(byte[] bytes, int start, int rows) {
    if (definitionLevels.length < rows) {
      definitionLevels = new int[rows];
    }
    int present = 0;
    for (int i = 0; i < rows; i++) {
      definitionLevels[i] = (bytes[start + (i >> 3)] >> (7 - (i & 7))) & 1;
      present += definitionLevels[i];
    }
    return present;
  }

  private void readValues(Encoding encoding, byte[] bytes, int offset, int end, int count) {
    switch (encoding) {
      case PLAIN:
        values.readPlain(
            bytes, offset, end, count, physical, descriptor.getPrimitiveType().getTypeLength());
        break;
      case PLAIN_DICTIONARY:
      case RLE_DICTIONARY:
        if (dictionary == null) {
          throw new IllegalStateException("Cannot decode " + descriptor + ": no dictionary page");
        }
        if (offset >= end) {
          throw new IllegalStateException("Cannot decode " + descriptor + ": no bit width");
        }
        int bitWidth = bytes[offset] & 0xFF;
        values.readDictionaryIds(bytes, offset + 1, end, bitWidth, count, dictionary);
        break;
      case RLE:
        if (physical != PrimitiveTypeName.BOOLEAN) {
          throw new IllegalStateException(
              "Cannot decode " + descriptor + ": RLE values of type " + physical);
        }
        values.readRleBooleans(bytes, offset, end, count);
        break;
      default:
        throw new IllegalStateException(
            "Cannot decode " + descriptor + ": unexpected encoding " + encoding);
    }
  }

  private void write(FieldVector vector, int at, int count) {
    long validity = vector.getValidityBuffer().memoryAddress();
    boolean nullable = maxDefinitionLevel > 0;
    switch (target) {
      case BOOLEAN:
        writeBits(vector, validity, nullable, at, count);
        break;
      case INT32:
        writeFixed(vector, validity, nullable, at, count, 4);
        break;
      case INT64:
      case INT64_FROM_FLOAT_BITS:
        writeFixed(vector, validity, nullable, at, count, 8);
        break;
      case DECIMAL_FROM_LONG:
        writeFixed(vector, validity, nullable, at, count, 16);
        break;
      case BYTES:
        writeBytes((BaseVariableWidthVector) vector, validity, nullable, at, count);
        break;
      case FIXED_BYTES:
        writeFixedBytes((FixedSizeBinaryVector) vector, validity, nullable, at, count);
        break;
      default:
        throw new IllegalStateException("Unknown target " + target);
    }
  }

  private void writeFixed(
      FieldVector vector, long validity, boolean nullable, int at, int count, int width) {
    long data = vector.getDataBuffer().memoryAddress();
    long[] longs = values.longs;
    if (!nullable || !pageHasNulls) {
      Vectors.setBits(validity, at, count);
      if (width == 8 && target == Target.INT64) {
        vector
            .getDataBuffer()
            .nioBuffer((long) at * 8, count * 8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .asLongBuffer()
            .put(longs, valueIndex, count);
        valueIndex += count;
        return;
      }
      for (int i = 0; i < count; i++) {
        put(data + (long) width * (at + i), longs[valueIndex + i], width);
      }
      valueIndex += count;
      return;
    }
    int[] levels = definitionLevels;
    setValidity(validity, at, count);
    for (int i = 0; i < count; i++) {
      if (levels[pageRow + i] != 0) {
        put(data + (long) width * (at + i), longs[valueIndex++], width);
      }
    }
  }

  /** Validity of rows {@code [at, at + count)} from the page's levels, a byte at a time. */
  private void setValidity(long validity, int at, int count) {
    int[] levels = definitionLevels;
    int i = 0;
    while (i < count && ((at + i) & 7) != 0) {
      Vectors.setBit(validity, at + i, levels[pageRow + i] != 0);
      i++;
    }
    for (; i + 8 <= count; i += 8) {
      int bits = 0;
      int level = pageRow + i;
      for (int bit = 0; bit < 8; bit++) {
        bits |= (levels[level + bit] != 0 ? 1 : 0) << bit;
      }
      MemoryUtil.putByte(validity + ((at + i) >> 3), (byte) bits);
    }
    for (; i < count; i++) {
      Vectors.setBit(validity, at + i, levels[pageRow + i] != 0);
    }
  }

  private void put(long address, long value, int width) {
    switch (width) {
      case 4:
        MemoryUtil.putInt(address, (int) value);
        break;
      case 8:
        MemoryUtil.putLong(
            address,
            target == Target.INT64_FROM_FLOAT_BITS
                ? Double.doubleToRawLongBits(Float.intBitsToFloat((int) value))
                : value);
        break;
      default: // a decimal's 16 bytes: the value and its sign extension
        MemoryUtil.putLong(address, value);
        MemoryUtil.putLong(address + 8, value >> 63);
    }
  }

  private void writeBits(FieldVector vector, long validity, boolean nullable, int at, int count) {
    long data = vector.getDataBuffer().memoryAddress();
    long[] longs = values.longs;
    if (!nullable || !pageHasNulls) {
      Vectors.setBits(validity, at, count);
      int i = 0;
      while (i < count && ((at + i) & 7) != 0) {
        Vectors.setBit(data, at + i, longs[valueIndex++] != 0);
        i++;
      }
      for (; i + 8 <= count; i += 8) { // whole bytes: eight values at a time
        int bits = 0;
        for (int bit = 0; bit < 8; bit++) {
          bits |= (int) longs[valueIndex + bit] << bit;
        }
        valueIndex += 8;
        MemoryUtil.putByte(data + ((at + i) >> 3), (byte) bits);
      }
      for (; i < count; i++) {
        Vectors.setBit(data, at + i, longs[valueIndex++] != 0);
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      int row = at + i;
      boolean present = definitionLevels[pageRow + i] != 0;
      Vectors.setBit(validity, row, present);
      Vectors.setBit(data, row, present && longs[valueIndex++] != 0);
    }
  }

  private void writeBytes(
      BaseVariableWidthVector vector, long validity, boolean nullable, int at, int count) {
    long offsets = vector.getOffsetBuffer().memoryAddress();
    int offset = MemoryUtil.getInt(offsets + 4L * at);
    long needed = offset;
    int index = valueIndex;
    for (int i = 0; i < count; i++) {
      if (!nullable || definitionLevels[pageRow + i] != 0) {
        needed += values.lengths[index++];
      }
    }
    Vectors.reserveData(vector, needed);
    long data = vector.getDataBuffer().memoryAddress();
    for (int i = 0; i < count; i++) {
      int row = at + i;
      boolean present = !nullable || definitionLevels[pageRow + i] != 0;
      Vectors.setBit(validity, row, present);
      if (present) {
        int length = values.lengths[valueIndex];
        MemoryUtil.copyToMemory(
            values.bytes(valueIndex), values.starts[valueIndex], data + offset, length);
        offset += length;
        valueIndex++;
      }
      MemoryUtil.putInt(offsets + 4L * (row + 1), offset);
    }
  }

  private void writeFixedBytes(
      FixedSizeBinaryVector vector, long validity, boolean nullable, int at, int count) {
    int width = vector.getByteWidth();
    long data = vector.getDataBuffer().memoryAddress();
    for (int i = 0; i < count; i++) {
      int row = at + i;
      boolean present = !nullable || definitionLevels[pageRow + i] != 0;
      Vectors.setBit(validity, row, present);
      if (present) {
        if (values.lengths[valueIndex] != width) {
          throw new IllegalStateException(
              String.format(
                  "Invalid fixed-width value: %d bytes, expected %d",
                  values.lengths[valueIndex], width));
        }
        MemoryUtil.copyToMemory(
            values.bytes(valueIndex), values.starts[valueIndex], data + (long) width * row, width);
        valueIndex++;
      }
    }
  }

  static int littleEndianInt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF)
        | (bytes[offset + 1] & 0xFF) << 8
        | (bytes[offset + 2] & 0xFF) << 16
        | (bytes[offset + 3] & 0xFF) << 24;
  }
}
