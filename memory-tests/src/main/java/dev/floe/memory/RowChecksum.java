package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.data.Record;

/**
 * An order-independent checksum over every value of every row, computed the same way from Arrow
 * batches and from Iceberg {@link Record}s, so a reader that skips work, drops a column, loses a
 * null or returns a deleted row gets a different sum.
 *
 * <p>A row hashes its values in column order ({@code h = mix(h + valueHash)}, nulls as a constant);
 * the checksum is the wrapping sum of the mixed row hashes, so the order of files and batches does
 * not matter. Values hash by their Iceberg meaning: timestamps as micros, dates as epoch days,
 * decimals by unscaled value, strings and binaries by their bytes.
 */
public final class RowChecksum {
  private static final long ROW_SEED = 0x466c6f65L; // "Floe"
  private static final long NULL_HASH = 0x6e756c6cL; // "null"
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private long sum;
  private long rows;
  private long[] rowHashes = new long[0];
  private byte[] scratch = new byte[256];

  /** Adds every row of {@code batch}. */
  public void add(VectorSchemaRoot batch) {
    requireNonNull(batch, "batch is null");
    int count = batch.getRowCount();
    if (rowHashes.length < count) {
      rowHashes = new long[count];
    }
    Arrays.fill(rowHashes, 0, count, ROW_SEED);
    for (FieldVector vector : batch.getFieldVectors()) {
      addColumn(vector, count);
    }
    for (int i = 0; i < count; i++) {
      sum += mix(rowHashes[i]);
    }
    rows += count;
  }

  /** Adds one row; {@code columns} are the record's fields in the batches' column order. */
  public void add(Record record, List<String> columns) {
    requireNonNull(record, "record is null");
    long hash = ROW_SEED;
    for (String column : columns) {
      hash = mix(hash + hashValue(record.getField(column)));
    }
    sum += mix(hash);
    rows += 1;
  }

  /** The checksum of the rows added so far. */
  public long value() {
    return sum;
  }

  /** Rows added so far. */
  public long rows() {
    return rows;
  }

  private void addColumn(FieldVector vector, int count) {
    for (int i = 0; i < count; i++) {
      long value = vector.isNull(i) ? NULL_HASH : hashArrow(vector, i);
      rowHashes[i] = mix(rowHashes[i] + value);
    }
  }

  private long hashArrow(FieldVector vector, int i) {
    if (vector instanceof BigIntVector longs) {
      return longs.get(i);
    } else if (vector instanceof IntVector ints) {
      return ints.get(i);
    } else if (vector instanceof DateDayVector dates) {
      return dates.get(i);
    } else if (vector instanceof TimeStampVector timestamps) {
      return timestamps.get(i);
    } else if (vector instanceof Float8Vector doubles) {
      return Double.doubleToLongBits(doubles.get(i));
    } else if (vector instanceof BitVector bits) {
      return bits.get(i) == 0 ? 2 : 3;
    } else if (vector instanceof DecimalVector decimals) {
      // Low 64 bits of the little-endian 128-bit unscaled value, as BigInteger.longValue().
      return decimals.getDataBuffer().getLong((long) i * DecimalVector.TYPE_WIDTH);
    } else if (vector instanceof BaseVariableWidthVector variable) {
      return hashBytes(variable, i);
    } else if (vector instanceof Float4Vector floats) {
      return Float.floatToIntBits(floats.get(i));
    } else if (vector instanceof TimeMicroVector times) {
      return times.get(i);
    } else if (vector instanceof FixedSizeBinaryVector fixed) {
      return java.util.Arrays.hashCode(fixed.get(i));
    } else if (vector instanceof StructVector struct) {
      long hash = ROW_SEED;
      for (FieldVector child : struct.getChildrenFromFields()) {
        hash = mix(hash + (child.isNull(i) ? NULL_HASH : hashArrow(child, i)));
      }
      return hash;
    } else if (vector instanceof ListVector list) { // lists and maps
      FieldVector elements = list.getDataVector();
      long hash = ROW_SEED + 1;
      for (int e = list.getElementStartIndex(i); e < list.getElementEndIndex(i); e++) {
        hash = mix(hash + (elements.isNull(e) ? NULL_HASH : hashArrow(elements, e)));
      }
      return hash;
    }
    throw new IllegalArgumentException(
        String.format(
            "Cannot checksum column %s: unsupported vector %s",
            vector.getName(), vector.getClass().getSimpleName()));
  }

  private long hashBytes(BaseVariableWidthVector vector, int i) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    int start = offsets.getInt((long) i * BaseVariableWidthVector.OFFSET_WIDTH);
    int end = offsets.getInt((long) (i + 1) * BaseVariableWidthVector.OFFSET_WIDTH);
    int length = end - start;
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    vector.getDataBuffer().getBytes(start, scratch, 0, length);
    return fnv(scratch, length);
  }

  private static long hashValue(Object value) {
    if (value == null) {
      return NULL_HASH;
    } else if (value instanceof Long longValue) {
      return longValue;
    } else if (value instanceof Integer intValue) {
      return intValue;
    } else if (value instanceof LocalDate date) {
      return date.toEpochDay();
    } else if (value instanceof OffsetDateTime timestamp) {
      return Math.addExact(
          Math.multiplyExact(timestamp.toEpochSecond(), 1_000_000L), timestamp.getNano() / 1000);
    } else if (value instanceof Double doubleValue) {
      return Double.doubleToLongBits(doubleValue);
    } else if (value instanceof Boolean bool) {
      return bool ? 3 : 2;
    } else if (value instanceof BigDecimal decimal) {
      return decimal.unscaledValue().longValue();
    } else if (value instanceof CharSequence text) {
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      return fnv(bytes, bytes.length);
    } else if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return fnv(bytes, bytes.length);
    }
    throw new IllegalArgumentException(
        "Cannot checksum value: unsupported type " + value.getClass().getName());
  }

  /** 64-bit FNV-1a. */
  private static long fnv(byte[] bytes, int length) {
    long hash = FNV_OFFSET;
    for (int i = 0; i < length; i++) {
      hash = (hash ^ (bytes[i] & 0xff)) * FNV_PRIME;
    }
    return hash;
  }

  /** The splitmix64 finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
