package dev.floe.arrow;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
import org.apache.iceberg.util.ByteBuffers;

/**
 * Fills a vector with one value: identity-partition values, columns missing from a data file (null
 * or their initial default), and the {@code _file} / {@code _spec_id} metadata columns. Values come
 * in Iceberg's internal representation and are converted once, at construction, to the column's
 * (possibly promoted) table type.
 */
public final class ConstantColumn {
  private final Filler filler;

  private ConstantColumn(Filler filler) {
    this.filler = filler;
  }

  /**
   * A column of {@code value} (may be null) of Iceberg type {@code type}.
   *
   * @throws IllegalArgumentException if the value cannot represent the type
   */
  public static ConstantColumn of(Type type, Object value) {
    requireNonNull(type, "type is null");
    if (value == null) {
      return new ConstantColumn((vector, n) -> fillNulls(vector, n));
    }
    return new ConstantColumn(filler(type, value));
  }

  /** Writes the value into rows {@code [0, rows)} of {@code vector} and sets its value count. */
  public void fill(FieldVector vector, int rows) {
    filler.fill(vector, rows);
    vector.setValueCount(rows);
  }

  @FunctionalInterface
  private interface Filler {
    void fill(FieldVector vector, int rows);
  }

  private static void fillNulls(FieldVector vector, int rows) {
    vector.reset();
    for (int i = 0; i < rows; i++) {
      vector.setNull(i);
    }
  }

  @SuppressWarnings("CyclomaticComplexity")
  private static Filler filler(Type type, Object value) {
    switch (type.typeId()) {
      case BOOLEAN:
        int bit = ((Boolean) value) ? 1 : 0;
        return (v, n) -> forEach(n, i -> ((BitVector) v).setSafe(i, bit));
      case INTEGER:
        int intValue = ((Number) value).intValue();
        return (v, n) -> forEach(n, i -> ((IntVector) v).setSafe(i, intValue));
      case LONG:
        long longValue = ((Number) value).longValue();
        return (v, n) -> forEach(n, i -> ((BigIntVector) v).setSafe(i, longValue));
      case FLOAT:
        float floatValue = ((Number) value).floatValue();
        return (v, n) -> forEach(n, i -> ((Float4Vector) v).setSafe(i, floatValue));
      case DOUBLE:
        double doubleValue = ((Number) value).doubleValue();
        return (v, n) -> forEach(n, i -> ((Float8Vector) v).setSafe(i, doubleValue));
      case DATE:
        int days = ((Number) value).intValue();
        return (v, n) -> forEach(n, i -> ((DateDayVector) v).setSafe(i, days));
      case TIME:
        long micros = ((Number) value).longValue();
        return (v, n) -> forEach(n, i -> ((TimeMicroVector) v).setSafe(i, micros));
      case TIMESTAMP:
      case TIMESTAMP_NANO:
        long ts = ((Number) value).longValue();
        return (v, n) -> forEach(n, i -> ((TimeStampVector) v).setSafe(i, ts));
      case DECIMAL:
        BigDecimal decimal = (BigDecimal) value;
        return (v, n) -> forEach(n, i -> ((DecimalVector) v).setSafe(i, decimal));
      case STRING:
        byte[] utf8 = value.toString().getBytes(StandardCharsets.UTF_8);
        return (v, n) -> fillVariable(v, n, utf8);
      case BINARY:
        byte[] binary = ByteBuffers.toByteArray((ByteBuffer) value);
        return (v, n) -> fillVariable(v, n, binary);
      case FIXED:
        byte[] fixed = ByteBuffers.toByteArray((ByteBuffer) value);
        return (v, n) -> forEach(n, i -> ((FixedSizeBinaryVector) v).setSafe(i, fixed));
      case UUID:
        byte[] uuid = uuidBytes(value);
        return (v, n) -> forEach(n, i -> ((FixedSizeBinaryVector) v).setSafe(i, uuid));
      default:
        throw new IllegalArgumentException("Cannot fill a constant of type " + type);
    }
  }

  private static void fillVariable(FieldVector vector, int rows, byte[] bytes) {
    vector.reset();
    if (vector instanceof VarCharVector) {
      VarCharVector strings = (VarCharVector) vector;
      forEach(rows, i -> strings.setSafe(i, bytes));
    } else {
      VarBinaryVector binaries = (VarBinaryVector) vector;
      forEach(rows, i -> binaries.setSafe(i, bytes));
    }
  }

  private static byte[] uuidBytes(Object value) {
    if (value instanceof UUID) {
      UUID uuid = (UUID) value;
      return ByteBuffer.allocate(16)
          .putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits())
          .array();
    }
    return ByteBuffers.toByteArray((ByteBuffer) value);
  }

  private static void forEach(int rows, java.util.function.IntConsumer action) {
    for (int i = 0; i < rows; i++) {
      action.accept(i);
    }
  }
}
