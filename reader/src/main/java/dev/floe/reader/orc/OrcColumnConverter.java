package dev.floe.reader.orc;

import java.math.BigDecimal;
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
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
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
 * type. Repeating vectors and null flags are honoured; ORC already applied the schema evolution
 * that Iceberg's projection asked for (int → long and float → double share ORC vector classes,
 * decimals are read at the table's precision).
 */
abstract class OrcColumnConverter {
  /** Writes rows {@code [0, rows)} of {@code source} into {@code vector}. */
  final void convert(ColumnVector source, FieldVector vector, int rows) {
    if (vector instanceof BaseVariableWidthVector) {
      vector.reset();
    }
    boolean repeating = source.isRepeating;
    boolean noNulls = source.noNulls;
    boolean[] isNull = source.isNull;
    for (int i = 0; i < rows; i++) {
      int row = repeating ? 0 : i;
      if (!noNulls && isNull[row]) {
        vector.setNull(i);
      } else {
        set(source, row, vector, i);
      }
    }
    vector.setValueCount(rows);
  }

  /** Copies the non-null value of {@code source} at {@code row} into row {@code index}. */
  abstract void set(ColumnVector source, int row, FieldVector vector, int index);

  @FunctionalInterface
  private interface Setter {
    void set(ColumnVector source, int row, FieldVector vector, int index);
  }

  private static final class Converter extends OrcColumnConverter {
    private final Setter setter;

    Converter(Setter setter) {
      this.setter = setter;
    }

    @Override
    void set(ColumnVector source, int row, FieldVector vector, int index) {
      setter.set(source, row, vector, index);
    }
  }

  static OrcColumnConverter create(TypeDescription orcType, Types.NestedField column) {
    return new Converter(setter(orcType, column.type()));
  }

  @SuppressWarnings("CyclomaticComplexity")
  private static Setter setter(TypeDescription orcType, Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return (s, r, v, i) ->
            ((BitVector) v).setSafe(i, ((LongColumnVector) s).vector[r] != 0 ? 1 : 0);
      case INTEGER:
        return (s, r, v, i) -> ((IntVector) v).setSafe(i, (int) ((LongColumnVector) s).vector[r]);
      case LONG:
        return (s, r, v, i) -> ((BigIntVector) v).setSafe(i, ((LongColumnVector) s).vector[r]);
      case DATE:
        return (s, r, v, i) ->
            ((DateDayVector) v).setSafe(i, (int) ((LongColumnVector) s).vector[r]);
      case TIME:
        return (s, r, v, i) -> ((TimeMicroVector) v).setSafe(i, ((LongColumnVector) s).vector[r]);
      case FLOAT:
        return (s, r, v, i) ->
            ((Float4Vector) v).setSafe(i, (float) ((DoubleColumnVector) s).vector[r]);
      case DOUBLE:
        return (s, r, v, i) -> ((Float8Vector) v).setSafe(i, ((DoubleColumnVector) s).vector[r]);
      case TIMESTAMP:
        return (s, r, v, i) ->
            ((TimeStampVector) v).setSafe(i, micros((TimestampColumnVector) s, r));
      case TIMESTAMP_NANO:
        return (s, r, v, i) ->
            ((TimeStampVector) v).setSafe(i, nanos((TimestampColumnVector) s, r));
      case DECIMAL:
        return decimalSetter((Types.DecimalType) type);
      case STRING:
        return (s, r, v, i) -> setBytes((VarCharVector) v, i, (BytesColumnVector) s, r);
      case BINARY:
        return (s, r, v, i) -> setBytes((VarBinaryVector) v, i, (BytesColumnVector) s, r);
      case FIXED:
      case UUID:
        return (s, r, v, i) -> setFixed((FixedSizeBinaryVector) v, i, (BytesColumnVector) s, r);
      default:
        throw new UnsupportedOperationException(
            String.format("Cannot read ORC %s as Iceberg type %s", orcType, type));
    }
  }

  private static long micros(TimestampColumnVector source, int row) {
    return Math.floorDiv(source.time[row], 1_000L) * 1_000_000L
        + Math.floorDiv(source.nanos[row], 1_000);
  }

  private static long nanos(TimestampColumnVector source, int row) {
    return Math.floorDiv(source.time[row], 1_000L) * 1_000_000_000L + source.nanos[row];
  }

  private static Setter decimalSetter(Types.DecimalType type) {
    int scale = type.scale();
    if (type.precision() <= 18) {
      return (s, r, v, i) -> ((DecimalVector) v).setSafe(i, unscaledLong(s, r, scale));
    }
    return (s, r, v, i) -> ((DecimalVector) v).setSafe(i, bigDecimal(s, r, scale));
  }

  private static long unscaledLong(ColumnVector source, int row, int scale) {
    if (source instanceof Decimal64ColumnVector) {
      Decimal64ColumnVector decimals = (Decimal64ColumnVector) source;
      if (decimals.scale == scale) {
        return decimals.vector[row];
      }
      return bigDecimal(source, row, scale).unscaledValue().longValueExact();
    }
    HiveDecimalWritable value = ((DecimalColumnVector) source).vector[row];
    return value.serialize64(scale);
  }

  private static BigDecimal bigDecimal(ColumnVector source, int row, int scale) {
    if (source instanceof Decimal64ColumnVector) {
      Decimal64ColumnVector decimals = (Decimal64ColumnVector) source;
      return BigDecimal.valueOf(decimals.vector[row], decimals.scale).setScale(scale);
    }
    HiveDecimalWritable value = ((DecimalColumnVector) source).vector[row];
    return value.getHiveDecimal().bigDecimalValue().setScale(scale);
  }

  private static void setBytes(VarCharVector vector, int index, BytesColumnVector source, int row) {
    vector.setSafe(index, source.vector[row], source.start[row], source.length[row]);
  }

  private static void setBytes(
      VarBinaryVector vector, int index, BytesColumnVector source, int row) {
    vector.setSafe(index, source.vector[row], source.start[row], source.length[row]);
  }

  private static void setFixed(
      FixedSizeBinaryVector vector, int index, BytesColumnVector source, int row) {
    int length = source.length[row];
    if (length != vector.getByteWidth()) {
      throw new IllegalStateException(
          String.format(
              "Invalid fixed-width value: %d bytes, expected %d", length, vector.getByteWidth()));
    }
    byte[] bytes = new byte[length];
    System.arraycopy(source.vector[row], source.start[row], bytes, 0, length);
    vector.setSafe(index, bytes);
  }
}
