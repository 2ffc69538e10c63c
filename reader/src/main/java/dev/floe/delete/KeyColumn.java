package dev.floe.delete;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * How one equality-delete key column is compared, in the terms of Iceberg's {@code StructLikeSet}
 * (its {@code Comparators}): integers, dates, times and timestamps by value, floats and doubles by
 * {@code compareTo} (every NaN equal to every NaN, -0.0 not equal to 0.0, hence their canonical
 * bits), decimals by value at the column's scale, strings and binaries by their bytes, null equal
 * to null. Each value is encoded into bytes the same way from a delete row and from an Arrow
 * vector, so a multi-column key is compared as one byte string: a marker byte (0 null, 1 present),
 * then the value's fixed-width little-endian bytes, or a 4-byte length and the bytes.
 */
enum KeyColumn {
  BOOLEAN(1),
  INT(4),
  LONG(8),
  FLOAT(4),
  DOUBLE(8),
  DECIMAL(16),
  BYTES(-1);

  /** Bytes of a present value, or -1 for variable width. */
  final int width;

  KeyColumn(int width) {
    this.width = width;
  }

  /** The comparison for a column of {@code type}, or null if the fast path does not cover it. */
  static KeyColumn of(Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return BOOLEAN;
      case INTEGER:
      case DATE:
        return INT;
      case LONG:
      case TIME:
      case TIMESTAMP:
      case TIMESTAMP_NANO:
        return LONG;
      case FLOAT:
        return FLOAT;
      case DOUBLE:
        return DOUBLE;
      case DECIMAL:
        return DECIMAL;
      case STRING:
      case BINARY:
        return BYTES;
      default:
        return null; // uuid, fixed, nested: Iceberg's own StructLikeSet
    }
  }

  /** A delete row's value (Iceberg's internal representation) as a long; INT and LONG only. */
  static long longValue(Object value) {
    if (value instanceof Number number) {
      return number.longValue();
    }
    throw new IllegalArgumentException(
        "Invalid equality delete value: " + value.getClass().getName() + ", expected a number");
  }

  /** A delete row's string or binary value as bytes. */
  static byte[] bytesValue(Object value) {
    if (value instanceof CharSequence chars) {
      return chars.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return bytes;
    }
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    throw new IllegalArgumentException(
        "Invalid equality delete value: " + value.getClass().getName() + ", expected bytes");
  }

  /**
   * Appends a delete row's value (null allowed) to {@code key} at {@code at}.
   *
   * @return the new end of the key, or -1 if no value of the column can equal it
   */
  int encode(Object value, Type type, KeyBytes key, int at) {
    if (value == null) {
      key.ensure(at + 1);
      key.bytes[at] = 0;
      return at + 1;
    }
    switch (this) {
      case BOOLEAN:
        key.ensure(at + 2);
        key.bytes[at] = 1;
        key.bytes[at + 1] = (byte) (((Boolean) value) ? 1 : 0);
        return at + 2;
      case INT:
        return key.putInt(at, (int) longValue(value));
      case LONG:
        return key.putLong(at, longValue(value));
      case FLOAT:
        return key.putInt(at, Float.floatToIntBits(((Number) value).floatValue()));
      case DOUBLE:
        return key.putLong(at, Double.doubleToLongBits(((Number) value).doubleValue()));
      case DECIMAL:
        return encodeDecimal((BigDecimal) value, ((Types.DecimalType) type).scale(), key, at);
      case BYTES:
        byte[] bytes = bytesValue(value);
        int end = key.putInt(at, bytes.length);
        key.ensure(end + bytes.length);
        System.arraycopy(bytes, 0, key.bytes, end, bytes.length);
        return end + bytes.length;
      default:
        throw new IllegalStateException("Unknown key column " + this);
    }
  }

  private static int encodeDecimal(BigDecimal value, int scale, KeyBytes key, int at) {
    BigInteger unscaled;
    try {
      unscaled = value.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
    } catch (ArithmeticException e) {
      return -1; // more digits than the column has: equal to no value of it
    }
    byte[] bigEndian = unscaled.toByteArray();
    if (bigEndian.length > 16) {
      return -1;
    }
    key.ensure(at + 17);
    key.bytes[at] = 1;
    byte sign = (byte) (unscaled.signum() < 0 ? -1 : 0);
    Arrays.fill(key.bytes, at + 1, at + 17, sign);
    for (int i = 0; i < bigEndian.length; i++) {
      key.bytes[at + 1 + i] = bigEndian[bigEndian.length - 1 - i]; // Arrow's little-endian order
    }
    return at + 17;
  }

  /** Appends row {@code row} of {@code vector} to {@code key} at {@code at}; returns the end. */
  int encode(FieldVector vector, int row, KeyBytes key, int at) {
    if (vector.isNull(row)) {
      key.ensure(at + 1);
      key.bytes[at] = 0;
      return at + 1;
    }
    switch (this) {
      case BOOLEAN:
        key.ensure(at + 2);
        key.bytes[at] = 1;
        key.bytes[at + 1] = (byte) ((BitVector) vector).get(row);
        return at + 2;
      case INT:
        return key.putInt(at, data(vector).getInt(4L * row));
      case LONG:
        return key.putLong(at, data(vector).getLong(8L * row));
      case FLOAT:
        // canonical bits: every NaN is one NaN, as Float.compareTo has it
        return key.putInt(
            at, Float.floatToIntBits(Float.intBitsToFloat(data(vector).getInt(4L * row))));
      case DOUBLE:
        return key.putLong(
            at, Double.doubleToLongBits(Double.longBitsToDouble(data(vector).getLong(8L * row))));
      case DECIMAL:
        key.ensure(at + 17);
        key.bytes[at] = 1;
        data(vector).getBytes(16L * row, key.bytes, at + 1, 16);
        return at + 17;
      case BYTES:
        BaseVariableWidthVector strings = (BaseVariableWidthVector) vector;
        ArrowBuf offsets = strings.getOffsetBuffer();
        int start = offsets.getInt(4L * row);
        int length = offsets.getInt(4L * row + 4) - start;
        int end = key.putInt(at, length);
        key.ensure(end + length);
        strings.getDataBuffer().getBytes(start, key.bytes, end, length);
        return end + length;
      default:
        throw new IllegalStateException("Unknown key column " + this);
    }
  }

  private static ArrowBuf data(FieldVector vector) {
    return ((BaseFixedWidthVector) vector).getDataBuffer();
  }

  /** A growable scratch array for encoded keys; one per thread of use. */
  static final class KeyBytes {
    byte[] bytes = new byte[64];

    void ensure(int length) {
      if (length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(length, bytes.length * 2));
      }
    }

    int putInt(int at, int value) {
      ensure(at + 5);
      bytes[at] = 1;
      for (int i = 0; i < 4; i++) {
        bytes[at + 1 + i] = (byte) (value >>> (8 * i));
      }
      return at + 5;
    }

    int putLong(int at, long value) {
      ensure(at + 9);
      bytes[at] = 1;
      for (int i = 0; i < 8; i++) {
        bytes[at + 1 + i] = (byte) (value >>> (8 * i));
      }
      return at + 9;
    }
  }
}
