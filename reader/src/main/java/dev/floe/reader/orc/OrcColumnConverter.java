package dev.floe.reader.orc;

import dev.floe.arrow.Vectors;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.util.Set;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.orc.TypeDescription;
import org.apache.orc.storage.ql.exec.vector.BytesColumnVector;
import org.apache.orc.storage.ql.exec.vector.ColumnVector;
import org.apache.orc.storage.ql.exec.vector.Decimal64ColumnVector;
import org.apache.orc.storage.ql.exec.vector.DecimalColumnVector;
import org.apache.orc.storage.ql.exec.vector.DoubleColumnVector;
import org.apache.orc.storage.ql.exec.vector.LongColumnVector;
import org.apache.orc.storage.ql.exec.vector.TimestampColumnVector;
import org.apache.orc.storage.serde2.io.HiveDecimalWritable;

/**
 * Converts one ORC {@link ColumnVector} of a row batch into an Arrow vector of the column's table
 * type, writing straight to the vector's memory. Repeating vectors and null flags are honoured; ORC
 * already applied the schema evolution that Iceberg's projection asked for (int → long and float →
 * double share ORC vector classes, decimals are read at the table's precision). Structs, lists and
 * maps convert recursively ({@link OrcNestedConverters}), with these same converters for their
 * primitive fields, elements, keys and values.
 */
abstract class OrcColumnConverter {
  /**
   * Writes rows {@code [from, from + count)} of {@code source} into rows {@code [at, at + count)}
   * of {@code vector}, whose capacity the caller made room for. A repeating primitive {@code
   * source} must have been flattened ({@link OrcNestedConverters#flattenRepeatingLeaves}).
   * Variable-width values and list elements are appended after row {@code at - 1}'s.
   */
  void convert(ColumnVector source, int from, int count, FieldVector vector, int at) {
    long validity = vector.getValidityBuffer().memoryAddress();
    boolean[] isNull = source.noNulls ? null : source.isNull;
    if (isNull == null) {
      Vectors.setBits(validity, at, count);
    } else {
      for (int i = 0; i < count; i++) {
        Vectors.setBit(validity, at + i, !isNull[from + i]);
      }
    }
    copy(source, from, count, vector, at, isNull);
  }

  /**
   * Writes nulls into rows {@code [at, at + count)} of {@code vector} (capacity made room for by
   * the caller): the fields of a null struct whose ORC children were never read.
   */
  void appendNulls(FieldVector vector, int at, int count) {
    clearBits(vector.getValidityBuffer().memoryAddress(), at, count);
  }

  static void clearBits(long address, int from, int count) {
    for (int i = 0; i < count; i++) {
      Vectors.setBit(address, from + i, false);
    }
  }

  /**
   * Copies the values of rows {@code [from, from + count)} to rows {@code [at, at + count)}; rows
   * where {@code isNull} (if not null) is true may be skipped or written with any value.
   */
  abstract void copy(
      ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull);

  /**
   * The converter of {@code column}, read from ORC as {@code orcType}.
   *
   * @param pruned ids of nested fields left out of the ORC projection (the file lacks them and they
   *     have an initial default): {@code orcType} has no child for them, they are filled
   */
  static OrcColumnConverter create(
      TypeDescription orcType, Types.NestedField column, Set<Integer> pruned) {
    Type type = column.type();
    switch (type.typeId()) {
      case STRUCT:
        return OrcNestedConverters.struct(orcType, type.asStructType(), pruned);
      case LIST:
        return OrcNestedConverters.list(orcType, type.asListType(), pruned);
      case MAP:
        return OrcNestedConverters.map(orcType, type.asMapType(), pruned);
      case BOOLEAN:
        return new Booleans();
      case INTEGER:
      case DATE:
        return new Ints();
      case LONG:
      case TIME:
        return new Longs();
      case FLOAT:
        return new Floats();
      case DOUBLE:
        return new Doubles();
      case TIMESTAMP:
        return new Timestamps(false);
      case TIMESTAMP_NANO:
        return new Timestamps(true);
      case DECIMAL:
        return new Decimals((Types.DecimalType) type);
      case STRING:
      case BINARY:
        return new Bytes();
      case FIXED:
      case UUID:
        return new FixedBytes();
      default:
        throw new UnsupportedOperationException(
            String.format("Cannot read ORC %s as Iceberg type %s", orcType, type));
    }
  }

  private static final class Booleans extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      long[] values = ((LongColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress();
      int i = 0;
      while (i < count && ((at + i) & 7) != 0) {
        Vectors.setBit(address, at + i, values[from + i] != 0);
        i++;
      }
      // whole bytes: eight values at a time
      for (; i + 8 <= count; i += 8) {
        int bits = 0;
        int row = from + i;
        for (int bit = 0; bit < 8; bit++) {
          bits |= (values[row + bit] != 0 ? 1 : 0) << bit;
        }
        MemoryUtil.putByte(address + ((at + i) >> 3), (byte) bits);
      }
      for (; i < count; i++) {
        Vectors.setBit(address, at + i, values[from + i] != 0);
      }
    }
  }

  private static final class Ints extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      long[] values = ((LongColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress() + 4L * at;
      for (int i = 0; i < count; i++) {
        MemoryUtil.putInt(address + 4L * i, (int) values[from + i]);
      }
    }
  }

  private static final class Longs extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      vector
          .getDataBuffer()
          .nioBuffer((long) at * Long.BYTES, count * Long.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .put(((LongColumnVector) source).vector, from, count);
    }
  }

  private static final class Doubles extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      vector
          .getDataBuffer()
          .nioBuffer((long) at * Double.BYTES, count * Double.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asDoubleBuffer()
          .put(((DoubleColumnVector) source).vector, from, count);
    }
  }

  private static final class Floats extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      double[] values = ((DoubleColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress() + 4L * at;
      for (int i = 0; i < count; i++) {
        MemoryUtil.putInt(address + 4L * i, Float.floatToRawIntBits((float) values[from + i]));
      }
    }
  }

  private static final class Timestamps extends OrcColumnConverter {
    private final boolean nanos;

    Timestamps(boolean nanos) {
      this.nanos = nanos;
    }

    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      TimestampColumnVector timestamps = (TimestampColumnVector) source;
      long address = vector.getDataBuffer().memoryAddress() + 8L * at;
      for (int i = 0; i < count; i++) {
        int row = from + i;
        // the same arithmetic as Iceberg's generic ORC reader, so both agree everywhere
        long seconds = Math.floorDiv(timestamps.time[row], 1_000L);
        long value =
            nanos
                ? seconds * 1_000_000_000L + timestamps.nanos[row]
                : seconds * 1_000_000L + Math.floorDiv(timestamps.nanos[row], 1_000);
        MemoryUtil.putLong(address + 8L * i, value);
      }
    }
  }

  private static final class Decimals extends OrcColumnConverter {
    private final int scale;
    private final boolean fitsLong;

    Decimals(Types.DecimalType type) {
      this.scale = type.scale();
      this.fitsLong = type.precision() <= 18;
    }

    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      DecimalVector decimals = (DecimalVector) vector;
      long address = decimals.getDataBuffer().memoryAddress();
      for (int i = 0; i < count; i++) {
        int row = from + i;
        if (isNull != null && isNull[row]) {
          continue;
        }
        int index = at + i;
        if (fitsLong) {
          long unscaled = unscaledLong(source, row);
          MemoryUtil.putLong(address + 16L * index, unscaled);
          MemoryUtil.putLong(address + 16L * index + 8, unscaled >> 63);
        } else {
          decimals.set(index, bigDecimal(source, row));
        }
      }
    }

    private long unscaledLong(ColumnVector source, int row) {
      if (source instanceof Decimal64ColumnVector) {
        Decimal64ColumnVector decimals = (Decimal64ColumnVector) source;
        if (decimals.scale == scale) {
          return decimals.vector[row];
        }
        return bigDecimal(source, row).unscaledValue().longValueExact();
      }
      HiveDecimalWritable value = ((DecimalColumnVector) source).vector[row];
      return value.serialize64(scale);
    }

    private BigDecimal bigDecimal(ColumnVector source, int row) {
      if (source instanceof Decimal64ColumnVector) {
        Decimal64ColumnVector decimals = (Decimal64ColumnVector) source;
        return BigDecimal.valueOf(decimals.vector[row], decimals.scale).setScale(scale);
      }
      HiveDecimalWritable value = ((DecimalColumnVector) source).vector[row];
      return value.getHiveDecimal().bigDecimalValue().setScale(scale);
    }
  }

  private static final class Bytes extends OrcColumnConverter {
    /** Up to this many bytes, a plain loop beats a bulk memory copy call. */
    private static final int SHORT_COPY = 32;

    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      BytesColumnVector bytes = (BytesColumnVector) source;
      BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
      long offsets = target.getOffsetBuffer().memoryAddress();
      int offset = at == 0 ? 0 : MemoryUtil.getInt(offsets + 4L * at);
      long total = offset;
      for (int i = from; i < from + count; i++) {
        if (isNull == null || !isNull[i]) {
          total += bytes.length[i];
        }
      }
      if (total > Integer.MAX_VALUE) {
        throw new IllegalStateException(
            "Cannot hold " + total + " bytes of strings in one batch; use a smaller batch size");
      }
      Vectors.reserveData(target, total);
      long data = target.getDataBuffer().memoryAddress();
      MemoryUtil.putInt(offsets + 4L * at, offset);
      // Values that lie back to back in one array (ORC's direct encoding reads a batch's bytes
      // into one array) are copied as one run; a copy call per short value is what costs.
      byte[] runArray = null;
      int runStart = 0;
      int runLength = 0;
      for (int i = 0; i < count; i++) {
        int row = from + i;
        if (isNull == null || !isNull[row]) {
          int length = bytes.length[row];
          byte[] array = bytes.vector[row];
          int start = bytes.start[row];
          if (array != runArray || start != runStart + runLength) {
            copyRun(runArray, runStart, runLength, data + offset - runLength);
            runArray = array;
            runStart = start;
            runLength = 0;
          }
          runLength += length;
          offset += length;
        }
        MemoryUtil.putInt(offsets + 4L * (at + i + 1), offset);
      }
      copyRun(runArray, runStart, runLength, data + offset - runLength);
      target.setLastSet(at + count - 1);
    }

    @Override
    void appendNulls(FieldVector vector, int at, int count) {
      BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
      clearBits(target.getValidityBuffer().memoryAddress(), at, count);
      long offsets = target.getOffsetBuffer().memoryAddress();
      int offset = at == 0 ? 0 : MemoryUtil.getInt(offsets + 4L * at);
      for (int i = 0; i <= count; i++) {
        MemoryUtil.putInt(offsets + 4L * (at + i), offset);
      }
      target.setLastSet(at + count - 1);
    }

    private static void copyRun(byte[] array, int start, int length, long address) {
      if (length > SHORT_COPY) {
        MemoryUtil.copyToMemory(array, start, address, length);
      } else {
        for (int i = 0; i < length; i++) {
          MemoryUtil.putByte(address + i, array[start + i]);
        }
      }
    }
  }

  private static final class FixedBytes extends OrcColumnConverter {
    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      BytesColumnVector bytes = (BytesColumnVector) source;
      FixedSizeBinaryVector target = (FixedSizeBinaryVector) vector;
      int width = target.getByteWidth();
      long data = target.getDataBuffer().memoryAddress();
      for (int i = 0; i < count; i++) {
        int row = from + i;
        if (isNull != null && isNull[row]) {
          continue;
        }
        if (bytes.length[row] != width) {
          throw new IllegalStateException(
              String.format(
                  "Invalid fixed-width value: %d bytes, expected %d", bytes.length[row], width));
        }
        MemoryUtil.copyToMemory(
            bytes.vector[row], bytes.start[row], data + (long) width * (at + i), width);
      }
    }
  }
}
