package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import dev.floe.export.CanonicalJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
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
import org.apache.iceberg.types.Types;

/**
 * One column's values as text, the way CSV export and {@code floe head} show them: the same forms
 * as the canonical JSON encoding (ISO dates, timestamps with six fraction digits and {@code Z} when
 * adjusted to UTC, decimals in plain notation with their scale, uuids 8-4-4-4-12, binary and fixed
 * in Base64), numbers as Java prints them (round-tripping), NaN as {@code NaN}; structs, lists and
 * maps as their compact canonical JSON text ({@code {"a":1,"b":[2,3]}}, maps as arrays of {@code
 * {"key":K,"value":V}}).
 */
public final class ValueText {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  private final FieldVector vector;
  private final Format format;
  private final boolean textual;

  private ValueText(FieldVector vector, Format format, boolean textual) {
    this.vector = vector;
    this.format = format;
    this.textual = textual;
  }

  /** Text of {@code column}'s values in {@code vector} (Arrow type as {@code ArrowSchemaUtil}). */
  public static ValueText of(Types.NestedField column, FieldVector vector) {
    requireNonNull(column, "column is null");
    requireNonNull(vector, "vector is null");
    Type type = column.type();
    Type.TypeID id = type.typeId();
    boolean textual =
        id == Type.TypeID.STRING || id == Type.TypeID.BINARY || id == Type.TypeID.FIXED;
    return new ValueText(vector, format(column, vector), textual);
  }

  /** The value at {@code row} as text, or null for null. */
  public String text(int row) {
    return vector.isNull(row) ? null : format.text(row);
  }

  /**
   * Whether the column holds text whose empty value must stay distinguishable from null (strings,
   * binary, fixed); every other type's text is never empty.
   */
  public boolean isTextual() {
    return textual;
  }

  /** Whether the values are numbers (right-aligned in tables). */
  public boolean isNumeric() {
    switch (vector.getMinorType()) {
      case INT:
      case BIGINT:
      case FLOAT4:
      case FLOAT8:
      case DECIMAL:
        return true;
      default:
        return false;
    }
  }

  @FunctionalInterface
  private interface Format {
    String text(int row);
  }

  private static Format format(Types.NestedField column, FieldVector vector) {
    Type type = column.type();
    if (type.isNestedType()) {
      CanonicalJson.ColumnValues json = CanonicalJson.forColumn(column);
      return row -> json.text(vector, row);
    }
    switch (type.typeId()) {
      case BOOLEAN:
        return row -> ((BitVector) vector).get(row) != 0 ? "true" : "false";
      case INTEGER:
        return row -> Integer.toString(((IntVector) vector).get(row));
      case LONG:
        return row -> Long.toString(((BigIntVector) vector).get(row));
      case FLOAT:
        return row -> Float.toString(((Float4Vector) vector).get(row));
      case DOUBLE:
        return row -> Double.toString(((Float8Vector) vector).get(row));
      case DECIMAL:
        return row -> ((DecimalVector) vector).getObject(row).toPlainString();
      case DATE:
        return row -> LocalDate.ofEpochDay(((DateDayVector) vector).get(row)).toString();
      case TIME:
        return row ->
            LocalTime.ofNanoOfDay(((TimeMicroVector) vector).get(row) * 1000).format(TIME);
      case TIMESTAMP:
        boolean utc = ((Types.TimestampType) type).shouldAdjustToUTC();
        return row -> timestamp(((TimeStampVector) vector).get(row), 1_000_000L, MICROS, utc);
      case TIMESTAMP_NANO:
        boolean utcNanos = ((Types.TimestampNanoType) type).shouldAdjustToUTC();
        return row ->
            timestamp(((TimeStampVector) vector).get(row), 1_000_000_000L, NANOS, utcNanos);
      case STRING:
        return row -> new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
      case UUID:
        return row -> uuid(((FixedSizeBinaryVector) vector).get(row));
      case FIXED:
        return row -> Base64.getEncoder().encodeToString(((FixedSizeBinaryVector) vector).get(row));
      case BINARY:
        return row -> Base64.getEncoder().encodeToString(((VarBinaryVector) vector).get(row));
      default:
        throw new IllegalArgumentException("Cannot write values of type " + type + " as text");
    }
  }

  private static String timestamp(
      long value, long perSecond, DateTimeFormatter formatter, boolean utc) {
    long seconds = Math.floorDiv(value, perSecond);
    int nanos = (int) (Math.floorMod(value, perSecond) * (1_000_000_000L / perSecond));
    String text = LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC).format(formatter);
    return utc ? text + 'Z' : text;
  }

  private static String uuid(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new UUID(buffer.getLong(), buffer.getLong()).toString();
  }
}
