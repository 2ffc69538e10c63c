package dev.floe.scan;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Turns Arrow rows and Iceberg generic records into the same exact, comparable text so a scan's
 * output can be compared with {@code IcebergGenerics}. Floats keep their bits (NaN, -0.0 are
 * distinct from 0.0), decimals their scale, timestamps their microseconds.
 */
final class Rows {
  private Rows() {}

  /** One line per row of the batch, columns in order. */
  static List<String> fromBatch(VectorSchemaRoot root, Schema schema) {
    List<String> rows = new ArrayList<>(root.getRowCount());
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      StringBuilder line = new StringBuilder();
      for (int col = 0; col < vectors.size(); col++) {
        Types.NestedField field = schema.columns().get(col);
        line.append(field.name()).append('=');
        line.append(fromVector(vectors.get(col), field.type(), row)).append('|');
      }
      rows.add(line.toString());
    }
    return rows;
  }

  /** The line of a generic record, for the columns of {@code schema}, in that order. */
  static String fromRecord(Record record, Schema schema) {
    StringBuilder line = new StringBuilder();
    for (Types.NestedField field : schema.columns()) {
      line.append(field.name()).append('=');
      line.append(fromGeneric(record.getField(field.name()), field.type())).append('|');
    }
    return line.toString();
  }

  private static String fromVector(FieldVector vector, Type type, int row) {
    if (vector.isNull(row)) {
      return "null";
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return String.valueOf(((BitVector) vector).get(row) != 0);
      case INTEGER:
        return "i" + ((IntVector) vector).get(row);
      case LONG:
        return "l" + ((BigIntVector) vector).get(row);
      case FLOAT:
        return "f" + Integer.toHexString(Float.floatToRawIntBits(((Float4Vector) vector).get(row)));
      case DOUBLE:
        return "d" + Long.toHexString(Double.doubleToRawLongBits(((Float8Vector) vector).get(row)));
      case DECIMAL:
        return "dec" + ((DecimalVector) vector).getObject(row).toPlainString();
      case DATE:
        return "date" + ((DateDayVector) vector).get(row);
      case TIME:
        return "time" + ((TimeMicroVector) vector).get(row);
      case TIMESTAMP:
      case TIMESTAMP_NANO:
        return "ts" + ((TimeStampVector) vector).get(row);
      case STRING:
        return "s'" + new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8) + "'";
      case BINARY:
        return "b" + HexFormat.of().formatHex(((VarBinaryVector) vector).get(row));
      case FIXED:
        return "b" + HexFormat.of().formatHex(((FixedSizeBinaryVector) vector).get(row));
      case UUID:
        ByteBuffer bytes = ByteBuffer.wrap(((FixedSizeBinaryVector) vector).get(row));
        return "u" + new UUID(bytes.getLong(), bytes.getLong());
      default:
        throw new IllegalArgumentException("Unsupported type " + type + " of " + vector);
    }
  }

  private static String fromGeneric(Object value, Type type) {
    if (value == null) {
      return "null";
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return String.valueOf(value);
      case INTEGER:
        return "i" + value;
      case LONG:
        return "l" + ((Number) value).longValue();
      case FLOAT:
        return "f" + Integer.toHexString(Float.floatToRawIntBits((Float) value));
      case DOUBLE:
        return "d" + Long.toHexString(Double.doubleToRawLongBits(((Number) value).doubleValue()));
      case DECIMAL:
        return "dec" + ((BigDecimal) value).toPlainString();
      case DATE:
        return "date" + DateTimeUtil.daysFromDate((LocalDate) value);
      case TIME:
        return "time" + DateTimeUtil.microsFromTime((LocalTime) value);
      case TIMESTAMP:
        return "ts"
            + (value instanceof OffsetDateTime
                ? DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value)
                : DateTimeUtil.microsFromTimestamp((LocalDateTime) value));
      case TIMESTAMP_NANO:
        return "ts"
            + (value instanceof OffsetDateTime
                ? DateTimeUtil.nanosFromTimestamptz((OffsetDateTime) value)
                : DateTimeUtil.nanosFromTimestamp((LocalDateTime) value));
      case STRING:
        return "s'" + value + "'";
      case BINARY:
      case FIXED:
        return "b" + HexFormat.of().formatHex(bytes(value));
      case UUID:
        return "u" + value;
      default:
        throw new IllegalArgumentException("Unsupported type " + type);
    }
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[]) {
      return (byte[]) value;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
