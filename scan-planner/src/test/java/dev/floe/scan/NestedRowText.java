package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Exact, comparable text of rows with nested values, from Arrow vectors and from Iceberg generic
 * records alike: structs as {@code {name=value,...}} in field order, lists as {@code [...]}, maps
 * as {@code {key:value,...}} sorted by key text (readers need not keep a map's order). Floats keep
 * their bits, decimals their scale, timestamps their microseconds (nanoseconds for _ns types).
 */
public final class NestedRowText {
  private NestedRowText() {}

  /**
   * Floe's rows of {@code scan}, sorted, checking that every batch holds 1..batchSize rows and is
   * valid per Arrow ({@code validateFull} on every vector), and by closing the allocator that
   * nothing leaked.
   */
  public static List<String> floeRows(DataScan scan, int batchSize) {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).as("rows in a batch").isBetween(1, batchSize);
        for (FieldVector vector : batch.getFieldVectors()) {
          assertThat(vector.getValueCount()).isEqualTo(batch.getRowCount());
          validate(vector);
        }
        rows.addAll(fromBatch(batch, schema));
      }
    }
    Collections.sort(rows);
    return rows;
  }

  /**
   * Arrow's {@code validateFull} on every vector of the tree. Arrow Java 18.3's own validator
   * rejects every {@code MapVector} ("Incorrect arrow type ... Map(false)": it checks maps as
   * lists), so lists, maps and structs are walked here: offsets non-decreasing and within the
   * child, children at least as long as their struct, and every leaf validated by Arrow.
   */
  public static void validate(FieldVector vector) {
    if (vector instanceof ListVector list) {
      int rows = list.getValueCount();
      int previous = rows == 0 ? 0 : list.getOffsetBuffer().getInt(0);
      assertThat(previous).as("first offset of %s", list.getName()).isGreaterThanOrEqualTo(0);
      for (int row = 1; row <= rows; row++) {
        int offset = list.getOffsetBuffer().getInt(4L * row);
        assertThat(offset)
            .as("offset %d of %s", row, list.getName())
            .isGreaterThanOrEqualTo(previous);
        previous = offset;
      }
      assertThat(list.getDataVector().getValueCount())
          .as("elements of %s", list.getName())
          .isGreaterThanOrEqualTo(previous);
      validate((FieldVector) list.getDataVector());
    } else if (vector instanceof StructVector struct) {
      for (FieldVector child : struct.getChildrenFromFields()) {
        assertThat(child.getValueCount())
            .as("rows of %s in %s", child.getName(), struct.getName())
            .isGreaterThanOrEqualTo(struct.getValueCount());
        validate(child);
      }
    } else if (vector instanceof DecimalVector decimals) {
      // Arrow 18.3's full check takes a value of exactly the type's precision for too wide
      // (DecimalUtility.checkPrecisionAndScaleNoThrow compares with <), so check it here.
      ValueVectorUtility.validate(decimals);
      for (int row = 0; row < decimals.getValueCount(); row++) {
        BigDecimal value = decimals.getObject(row);
        if (value != null) {
          assertThat(value.precision())
              .as("precision of %s at %d", value, row)
              .isLessThanOrEqualTo(decimals.getPrecision());
          assertThat(value.scale()).isEqualTo(decimals.getScale());
        }
      }
    } else {
      ValueVectorUtility.validateFull(vector);
    }
  }

  /** Asserts equal sorted rows, reporting the first differing rows rather than whole lists. */
  public static void assertSameRows(List<String> actual, List<String> expected) {
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(new java.util.HashSet<>(actual));
    List<String> extra = new ArrayList<>(actual);
    extra.removeAll(new java.util.HashSet<>(expected));
    assertThat(
            actual.size()
                + " rows; expected but missing "
                + first(missing)
                + "; unexpected "
                + first(extra))
        .isEqualTo(expected.size() + " rows; expected but missing []; unexpected []");
    assertThat(actual).isEqualTo(expected);
  }

  private static List<String> first(List<String> rows) {
    return rows.subList(0, Math.min(3, rows.size()));
  }

  /** IcebergGenerics' rows of {@code scan}, sorted, as text of {@code schema}'s columns. */
  public static List<String> genericRows(IcebergGenerics.ScanBuilder scan, Schema schema) {
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = scan.build()) {
      for (Record record : records) {
        rows.add(fromRecord(record, schema));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(rows);
    return rows;
  }

  public static List<String> fromBatch(VectorSchemaRoot root, Schema schema) {
    List<String> rows = new ArrayList<>(root.getRowCount());
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      StringBuilder line = new StringBuilder();
      for (int col = 0; col < schema.columns().size(); col++) {
        Types.NestedField field = schema.columns().get(col);
        line.append(field.name()).append('=');
        line.append(fromVector(vectors.get(col), field.type(), row)).append('|');
      }
      rows.add(line.toString());
    }
    return rows;
  }

  public static String fromRecord(StructLike record, Schema schema) {
    StringBuilder line = new StringBuilder();
    List<Types.NestedField> columns = schema.columns();
    for (int col = 0; col < columns.size(); col++) {
      Types.NestedField field = columns.get(col);
      Object value =
          record instanceof Record r ? r.getField(field.name()) : record.get(col, Object.class);
      line.append(field.name()).append('=');
      line.append(fromGeneric(value, field.type())).append('|');
    }
    return line.toString();
  }

  static String fromVector(FieldVector vector, Type type, int row) {
    if (vector.isNull(row)) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          List<Types.NestedField> fields = type.asStructType().fields();
          List<FieldVector> children = ((StructVector) vector).getChildrenFromFields();
          StringBuilder text = new StringBuilder("{");
          for (int j = 0; j < fields.size(); j++) {
            text.append(j == 0 ? "" : ",").append(fields.get(j).name()).append('=');
            text.append(fromVector(children.get(j), fields.get(j).type(), row));
          }
          return text.append('}').toString();
        }
      case LIST:
        {
          ListVector list = (ListVector) vector;
          int start = list.getOffsetBuffer().getInt(4L * row);
          int end = list.getOffsetBuffer().getInt(4L * (row + 1));
          List<String> elements = new ArrayList<>();
          for (int i = start; i < end; i++) {
            elements.add(fromVector(list.getDataVector(), type.asListType().elementType(), i));
          }
          return "[" + String.join(",", elements) + "]";
        }
      case MAP:
        {
          ListVector map = (ListVector) vector;
          int start = map.getOffsetBuffer().getInt(4L * row);
          int end = map.getOffsetBuffer().getInt(4L * (row + 1));
          StructVector entries = (StructVector) map.getDataVector();
          List<FieldVector> keyValue = entries.getChildrenFromFields();
          List<String> pairs = new ArrayList<>();
          for (int i = start; i < end; i++) {
            assertThat(entries.isNull(i)).as("map entry %d is null", i).isFalse();
            pairs.add(
                fromVector(keyValue.get(0), type.asMapType().keyType(), i)
                    + ":"
                    + fromVector(keyValue.get(1), type.asMapType().valueType(), i));
          }
          Collections.sort(pairs);
          return "{" + String.join(",", pairs) + "}";
        }
      default:
        return primitiveFromVector(vector, type, row);
    }
  }

  private static String primitiveFromVector(FieldVector vector, Type type, int row) {
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

  static String fromGeneric(Object value, Type type) {
    if (value == null) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          List<Types.NestedField> fields = type.asStructType().fields();
          StructLike struct = (StructLike) value;
          StringBuilder text = new StringBuilder("{");
          for (int j = 0; j < fields.size(); j++) {
            Object field =
                struct instanceof Record r
                    ? r.getField(fields.get(j).name())
                    : struct.get(j, Object.class);
            text.append(j == 0 ? "" : ",").append(fields.get(j).name()).append('=');
            text.append(fromGeneric(field, fields.get(j).type()));
          }
          return text.append('}').toString();
        }
      case LIST:
        {
          List<String> elements = new ArrayList<>();
          for (Object element : (List<?>) value) {
            elements.add(fromGeneric(element, type.asListType().elementType()));
          }
          return "[" + String.join(",", elements) + "]";
        }
      case MAP:
        {
          List<String> pairs = new ArrayList<>();
          for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
            pairs.add(
                fromGeneric(entry.getKey(), type.asMapType().keyType())
                    + ":"
                    + fromGeneric(entry.getValue(), type.asMapType().valueType()));
          }
          Collections.sort(pairs);
          return "{" + String.join(",", pairs) + "}";
        }
      default:
        return primitiveFromGeneric(value, type);
    }
  }

  private static String primitiveFromGeneric(Object value, Type type) {
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
