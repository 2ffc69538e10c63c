package dev.floe.spark;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
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
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;

/**
 * One text per value, whichever side it comes from: a Floe Arrow vector, a Spark {@link Row}
 * (java.time values: {@code spark.sql.datetime.java8API.enabled}), or an oracle's canonical JSON.
 * Values are first turned into the Java objects Spark hands out for the column's Spark type (uuid
 * as its string), then printed exactly: -0.0, NaN and a decimal's scale all show.
 */
final class Values {
  private Values() {}

  /** The row's values, as {@link #text}, joined; comparable across the three sources. */
  static String row(List<Object> values) {
    StringBuilder out = new StringBuilder();
    for (Object value : values) {
      out.append(out.length() == 0 ? "" : " | ").append(text(value));
    }
    return out.toString();
  }

  static String text(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof String string) {
      return '"' + string + '"';
    }
    return value.getClass().getSimpleName() + ":" + value;
  }

  /** The rows of a batch, each as {@link #row}. */
  static List<String> rows(VectorSchemaRoot batch, Schema schema) {
    List<String> rows = new ArrayList<>(batch.getRowCount());
    for (int row = 0; row < batch.getRowCount(); row++) {
      rows.add(row(fromArrow(batch, row, schema)));
    }
    return rows;
  }

  static List<Object> fromArrow(VectorSchemaRoot batch, int row, Schema schema) {
    List<Types.NestedField> columns = schema.columns();
    List<Object> values = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      values.add(fromArrow(batch.getVector(i), row, columns.get(i).type()));
    }
    return values;
  }

  static Object fromArrow(FieldVector vector, int row, Type type) {
    if (vector.isNull(row)) {
      return null;
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return ((BitVector) vector).get(row) == 1;
      case INTEGER:
        return ((IntVector) vector).get(row);
      case LONG:
        return ((BigIntVector) vector).get(row);
      case FLOAT:
        return ((Float4Vector) vector).get(row);
      case DOUBLE:
        return ((Float8Vector) vector).get(row);
      case DECIMAL:
        return ((DecimalVector) vector).getObject(row);
      case DATE:
        return LocalDate.ofEpochDay(((DateDayVector) vector).get(row));
      case TIMESTAMP:
        long micros = ((TimeStampVector) vector).get(row);
        Instant instant =
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        return ((Types.TimestampType) type).shouldAdjustToUTC()
            ? instant
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      case STRING:
        return new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
      case UUID:
        ByteBuffer bytes = ByteBuffer.wrap(((FixedSizeBinaryVector) vector).get(row));
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
      case FIXED:
        return ((FixedSizeBinaryVector) vector).get(row);
      case BINARY:
        return ((VarBinaryVector) vector).get(row);
      default:
        throw new IllegalArgumentException("Cannot compare values of type " + type);
    }
  }

  static List<Object> fromRow(Row row) {
    List<Object> values = new ArrayList<>(row.length());
    for (int i = 0; i < row.length(); i++) {
      values.add(row.get(i));
    }
    return values;
  }

  /**
   * A value of the oracle's canonical JSON, given as the raw text of its token (a string's text
   * unescaped), as the Java object Spark would hand out.
   */
  static Object fromJson(String text, Type type) {
    if (text == null) {
      return null;
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return Boolean.parseBoolean(text);
      case INTEGER:
        return Integer.parseInt(text);
      case LONG:
        return Long.parseLong(text);
      case FLOAT:
        return Float.parseFloat(text); // also "NaN", "Infinity", "-Infinity", "-0"
      case DOUBLE:
        return Double.parseDouble(text);
      case DECIMAL:
        return new BigDecimal(text);
      case DATE:
        return LocalDate.parse(text);
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC()
            ? Instant.parse(text)
            : LocalDateTime.parse(text);
      case STRING:
      case UUID:
        return text;
      case FIXED:
      case BINARY:
        return Base64.getDecoder().decode(text);
      default:
        throw new IllegalArgumentException("Cannot compare values of type " + type);
    }
  }
}
