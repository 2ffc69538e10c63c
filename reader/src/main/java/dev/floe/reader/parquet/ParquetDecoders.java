package dev.floe.reader.parquet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Chooses the decoder for a (Parquet physical type, Iceberg table type) pair. The Iceberg type is
 * the table's current type, so promotions (int → long, float → double, decimal widening) are done
 * here while decoding, and the vector always has the table's type.
 */
final class ParquetDecoders {
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private ParquetDecoders() {}

  /** Reads the current (non-null) value of a column into one slot of a vector. */
  @FunctionalInterface
  interface ValueReader {
    void read(ColumnReader column, FieldVector vector, int row);
  }

  private static final class Decoder extends ParquetColumnDecoder {
    private final ValueReader reader;

    Decoder(ColumnDescriptor descriptor, ValueReader reader) {
      super(descriptor);
      this.reader = reader;
    }

    @Override
    void read(ColumnReader column, FieldVector vector, int row) {
      reader.read(column, vector, row);
    }
  }

  /**
   * A decoder of {@code descriptor} into a vector of Iceberg type {@code type}.
   *
   * @throws UnsupportedOperationException if the file's type cannot be read as {@code type}
   */
  static ParquetColumnDecoder create(ColumnDescriptor descriptor, Type type) {
    return new Decoder(descriptor, reader(descriptor.getPrimitiveType(), type));
  }

  /**
   * The reader of one value of {@code file} into a vector of Iceberg type {@code type}; fixed-width
   * targets are written without a capacity check.
   *
   * @throws UnsupportedOperationException if the file's type cannot be read as {@code type}
   */
  @SuppressWarnings("CyclomaticComplexity")
  static ValueReader reader(PrimitiveType file, Type type) {
    PrimitiveTypeName physical = file.getPrimitiveTypeName();
    switch (type.typeId()) {
      case BOOLEAN:
        expect(file, type, physical == PrimitiveTypeName.BOOLEAN);
        return (c, v, i) -> ((BitVector) v).set(i, c.getBoolean() ? 1 : 0);
      case INTEGER:
        expect(file, type, physical == PrimitiveTypeName.INT32);
        return (c, v, i) -> ((IntVector) v).set(i, c.getInteger());
      case LONG:
        if (physical == PrimitiveTypeName.INT32) {
          return (c, v, i) -> ((BigIntVector) v).set(i, c.getInteger());
        }
        expect(file, type, physical == PrimitiveTypeName.INT64);
        return (c, v, i) -> ((BigIntVector) v).set(i, c.getLong());
      case FLOAT:
        expect(file, type, physical == PrimitiveTypeName.FLOAT);
        return (c, v, i) -> ((Float4Vector) v).set(i, c.getFloat());
      case DOUBLE:
        if (physical == PrimitiveTypeName.FLOAT) {
          return (c, v, i) -> ((Float8Vector) v).set(i, c.getFloat());
        }
        expect(file, type, physical == PrimitiveTypeName.DOUBLE);
        return (c, v, i) -> ((Float8Vector) v).set(i, c.getDouble());
      case DATE:
        expect(file, type, physical == PrimitiveTypeName.INT32);
        return (c, v, i) -> ((DateDayVector) v).set(i, c.getInteger());
      case TIME:
        return timeReader(file, type);
      case TIMESTAMP:
        return timestampReader(file, type, TimeUnit.MICROS);
      case TIMESTAMP_NANO:
        return timestampReader(file, type, TimeUnit.NANOS);
      case DECIMAL:
        return decimalReader(file, (Types.DecimalType) type);
      case STRING:
        expect(file, type, isBinary(physical));
        return (c, v, i) -> setBytes((VarCharVector) v, i, c.getBinary());
      case BINARY:
        expect(file, type, isBinary(physical));
        return (c, v, i) -> setBytes((VarBinaryVector) v, i, c.getBinary());
      case FIXED:
      case UUID:
        expect(file, type, physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
        return (c, v, i) -> ((FixedSizeBinaryVector) v).set(i, c.getBinary().getBytesUnsafe());
      default:
        throw new UnsupportedOperationException("Cannot read Parquet values as " + type);
    }
  }

  private static ValueReader timeReader(PrimitiveType file, Type type) {
    LogicalTypeAnnotation logical = file.getLogicalTypeAnnotation();
    if (file.getPrimitiveTypeName() == PrimitiveTypeName.INT32) {
      // TIME(MILLIS) from files written by other engines
      return (c, v, i) -> ((TimeMicroVector) v).set(i, c.getInteger() * 1000L);
    }
    expect(file, type, file.getPrimitiveTypeName() == PrimitiveTypeName.INT64);
    long factor = 1;
    if (logical instanceof TimeLogicalTypeAnnotation) {
      factor = unitFactor(((TimeLogicalTypeAnnotation) logical).getUnit(), TimeUnit.MICROS);
    }
    return scaledLong(factor, true);
  }

  private static ValueReader timestampReader(PrimitiveType file, Type type, TimeUnit target) {
    if (file.getPrimitiveTypeName() == PrimitiveTypeName.INT96) {
      long perMicro = target == TimeUnit.NANOS ? 1000 : 1;
      return (c, v, i) -> ((TimeStampVector) v).set(i, int96Micros(c.getBinary()) * perMicro);
    }
    expect(file, type, file.getPrimitiveTypeName() == PrimitiveTypeName.INT64);
    LogicalTypeAnnotation logical = file.getLogicalTypeAnnotation();
    long factor = 1;
    if (logical instanceof TimestampLogicalTypeAnnotation) {
      factor = unitFactor(((TimestampLogicalTypeAnnotation) logical).getUnit(), target);
    }
    return scaledLong(factor, false);
  }

  /** Positive: multiply by it; negative: floor-divide by its absolute value. */
  private static long unitFactor(TimeUnit from, TimeUnit to) {
    long fromPerSecond = perSecond(from);
    long toPerSecond = perSecond(to);
    return fromPerSecond <= toPerSecond
        ? toPerSecond / fromPerSecond
        : -(fromPerSecond / toPerSecond);
  }

  private static long perSecond(TimeUnit unit) {
    switch (unit) {
      case MILLIS:
        return 1_000L;
      case MICROS:
        return 1_000_000L;
      case NANOS:
        return 1_000_000_000L;
      default:
        throw new UnsupportedOperationException("Unknown time unit " + unit);
    }
  }

  private static ValueReader scaledLong(long factor, boolean time) {
    if (factor == 1) {
      return time
          ? (c, v, i) -> ((TimeMicroVector) v).set(i, c.getLong())
          : (c, v, i) -> ((TimeStampVector) v).set(i, c.getLong());
    }
    if (factor > 1) {
      return time
          ? (c, v, i) -> ((TimeMicroVector) v).set(i, c.getLong() * factor)
          : (c, v, i) -> ((TimeStampVector) v).set(i, c.getLong() * factor);
    }
    long divisor = -factor;
    return time
        ? (c, v, i) -> ((TimeMicroVector) v).set(i, Math.floorDiv(c.getLong(), divisor))
        : (c, v, i) -> ((TimeStampVector) v).set(i, Math.floorDiv(c.getLong(), divisor));
  }

  private static long int96Micros(Binary value) {
    ByteBuffer buffer = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = buffer.getLong();
    long julianDay = buffer.getInt();
    return (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + nanosOfDay / 1000;
  }

  private static ValueReader decimalReader(PrimitiveType file, Types.DecimalType type) {
    LogicalTypeAnnotation logical = file.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
      int fileScale = ((LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical).getScale();
      if (fileScale != type.scale()) {
        throw new UnsupportedOperationException(
            String.format("Cannot read decimal with scale %d as %s", fileScale, type));
      }
    }
    switch (file.getPrimitiveTypeName()) {
      case INT32:
        return (c, v, i) -> ((DecimalVector) v).set(i, (long) c.getInteger());
      case INT64:
        return (c, v, i) -> ((DecimalVector) v).set(i, c.getLong());
      case FIXED_LEN_BYTE_ARRAY:
      case BINARY:
        return (c, v, i) -> ((DecimalVector) v).setBigEndianSafe(i, c.getBinary().getBytesUnsafe());
      default:
        throw unsupported(file, type);
    }
  }

  private static void setBytes(VarCharVector vector, int row, Binary value) {
    ByteBuffer bytes = value.toByteBuffer();
    vector.setSafe(row, bytes, bytes.position(), bytes.remaining());
  }

  private static void setBytes(VarBinaryVector vector, int row, Binary value) {
    ByteBuffer bytes = value.toByteBuffer();
    vector.setSafe(row, bytes, bytes.position(), bytes.remaining());
  }

  private static boolean isBinary(PrimitiveTypeName physical) {
    return physical == PrimitiveTypeName.BINARY
        || physical == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
  }

  private static void expect(PrimitiveType file, Type type, boolean compatible) {
    if (!compatible) {
      throw unsupported(file, type);
    }
  }

  private static UnsupportedOperationException unsupported(PrimitiveType file, Type type) {
    return new UnsupportedOperationException(
        String.format("Cannot read Parquet column %s as Iceberg type %s", file, type));
  }
}
