package dev.floe.reader.orc;

import dev.floe.arrow.Vectors;
import java.math.BigDecimal;
import java.nio.ByteOrder;
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
 * double share ORC vector classes, decimals are read at the table's precision).
 */
abstract class OrcColumnConverter {
  /** Writes rows {@code [0, rows)} of {@code source} into {@code vector}. */
  final void convert(ColumnVector source, FieldVector vector, int rows) {
    Vectors.prepare(vector, rows);
    if (source.isRepeating) {
      source.flatten(false, null, rows);
    }
    boolean[] isNull = source.noNulls ? null : source.isNull;
    if (isNull == null) {
      Vectors.setAllValid(vector, rows);
    } else {
      Vectors.setValidity(vector, isNull, rows);
    }
    copy(source, vector, rows, isNull);
    if (source.isRepeating) {
      source.unFlatten();
    }
    vector.setValueCount(rows);
  }

  /**
   * Copies the values of rows {@code [0, rows)}; rows where {@code isNull} (if not null) is true
   * may be skipped or written with any value.
   */
  abstract void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull);

  static OrcColumnConverter create(TypeDescription orcType, Types.NestedField column) {
    Type type = column.type();
    switch (type.typeId()) {
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
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      long[] values = ((LongColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        Vectors.setBit(address, i, values[i] != 0);
      }
    }
  }

  private static final class Ints extends OrcColumnConverter {
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      long[] values = ((LongColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        MemoryUtil.putInt(address + 4L * i, (int) values[i]);
      }
    }
  }

  private static final class Longs extends OrcColumnConverter {
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      vector
          .getDataBuffer()
          .nioBuffer(0, rows * Long.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .put(((LongColumnVector) source).vector, 0, rows);
    }
  }

  private static final class Doubles extends OrcColumnConverter {
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      vector
          .getDataBuffer()
          .nioBuffer(0, rows * Double.BYTES)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asDoubleBuffer()
          .put(((DoubleColumnVector) source).vector, 0, rows);
    }
  }

  private static final class Floats extends OrcColumnConverter {
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      double[] values = ((DoubleColumnVector) source).vector;
      long address = vector.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        MemoryUtil.putInt(address + 4L * i, Float.floatToRawIntBits((float) values[i]));
      }
    }
  }

  private static final class Timestamps extends OrcColumnConverter {
    private final boolean nanos;

    Timestamps(boolean nanos) {
      this.nanos = nanos;
    }

    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      TimestampColumnVector timestamps = (TimestampColumnVector) source;
      long address = vector.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        // the same arithmetic as Iceberg's generic ORC reader, so both agree everywhere
        long seconds = Math.floorDiv(timestamps.time[i], 1_000L);
        long value =
            nanos
                ? seconds * 1_000_000_000L + timestamps.nanos[i]
                : seconds * 1_000_000L + Math.floorDiv(timestamps.nanos[i], 1_000);
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
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      DecimalVector decimals = (DecimalVector) vector;
      long address = decimals.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        if (isNull != null && isNull[i]) {
          continue;
        }
        if (fitsLong) {
          long unscaled = unscaledLong(source, i);
          MemoryUtil.putLong(address + 16L * i, unscaled);
          MemoryUtil.putLong(address + 16L * i + 8, unscaled >> 63);
        } else {
          decimals.set(i, bigDecimal(source, i));
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
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      BytesColumnVector bytes = (BytesColumnVector) source;
      BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
      long total = 0;
      for (int i = 0; i < rows; i++) {
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
      long offsets = target.getOffsetBuffer().memoryAddress();
      int offset = 0;
      MemoryUtil.putInt(offsets, 0);
      for (int i = 0; i < rows; i++) {
        if (isNull == null || !isNull[i]) {
          int length = bytes.length[i];
          MemoryUtil.copyToMemory(bytes.vector[i], bytes.start[i], data + offset, length);
          offset += length;
        }
        MemoryUtil.putInt(offsets + 4L * (i + 1), offset);
      }
      target.setLastSet(rows - 1);
    }
  }

  private static final class FixedBytes extends OrcColumnConverter {
    @Override
    void copy(ColumnVector source, FieldVector vector, int rows, boolean[] isNull) {
      BytesColumnVector bytes = (BytesColumnVector) source;
      FixedSizeBinaryVector target = (FixedSizeBinaryVector) vector;
      int width = target.getByteWidth();
      long data = target.getDataBuffer().memoryAddress();
      for (int i = 0; i < rows; i++) {
        if (isNull != null && isNull[i]) {
          continue;
        }
        if (bytes.length[i] != width) {
          throw new IllegalStateException(
              String.format(
                  "Invalid fixed-width value: %d bytes, expected %d", bytes.length[i], width));
        }
        MemoryUtil.copyToMemory(bytes.vector[i], bytes.start[i], data + (long) width * i, width);
      }
    }
  }
}
