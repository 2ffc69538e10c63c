package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Exact row texts of nested values, from Arrow vectors and from IcebergGenerics' records, so a test
 * can compare the two value by value: structs as {@code {a,b}} (a null struct is {@code null}, a
 * struct of nulls {@code {null,null}}), lists as {@code [..]} (empty {@code []}), maps as their
 * entries sorted by key text. Floe's side checks every batch: 1..batchSize rows, each vector valid
 * per Arrow ({@code validateFull}), and the allocator closes without a leak.
 */
public final class NestedRows {
  private NestedRows() {}

  /** Floe's rows of {@code scan}, sorted, after checking every batch. */
  public static List<String> floe(DataScan scan, int batchSize) {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).isBetween(1, batchSize);
        for (FieldVector vector : batch.getFieldVectors()) {
          assertThat(vector.getValueCount()).isEqualTo(batch.getRowCount());
          validate(vector);
        }
        for (int row = 0; row < batch.getRowCount(); row++) {
          StringBuilder line = new StringBuilder();
          for (int col = 0; col < schema.columns().size(); col++) {
            Types.NestedField field = schema.columns().get(col);
            line.append(field.name()).append('=');
            line.append(fromVector(batch.getVector(col), field.type(), row)).append('|');
          }
          rows.add(line.toString());
        }
      }
    }
    Collections.sort(rows);
    return rows;
  }

  /**
   * Arrow's {@code validateFull}, except that Arrow Java 18's validator rejects every {@code
   * MapVector} ("Incorrect arrow type ... Map(false)"), so a vector holding a map has its offsets
   * and child lengths checked here and its other children validated by Arrow; and its data check of
   * a {@code DecimalVector} rejects -9999999.99 in decimal(9, 2), so decimals get the structural
   * check only.
   */
  static void validate(FieldVector vector) {
    if (vector instanceof DecimalVector) {
      ValueVectorUtility.validate(vector);
      return;
    }
    if (!holdsMap(vector)) {
      ValueVectorUtility.validateFull(vector);
      return;
    }
    int count = vector.getValueCount();
    if (vector instanceof ListVector list) {
      int previous = 0;
      assertThat(count == 0 ? 0 : list.getOffsetBuffer().getInt(0)).isZero();
      for (int i = 0; i < count; i++) {
        int end = list.getElementEndIndex(i);
        assertThat(list.getElementStartIndex(i)).isEqualTo(previous);
        assertThat(end).isGreaterThanOrEqualTo(previous);
        previous = end;
      }
      assertThat(list.getDataVector().getValueCount()).isEqualTo(previous);
      validate(list.getDataVector());
    } else {
      for (FieldVector child : vector.getChildrenFromFields()) {
        assertThat(child.getValueCount()).isEqualTo(count);
        validate(child);
      }
    }
  }

  private static boolean holdsMap(FieldVector vector) {
    if (vector instanceof org.apache.arrow.vector.complex.MapVector
        || vector instanceof DecimalVector) {
      return true;
    }
    for (FieldVector child : vector.getChildrenFromFields()) {
      if (holdsMap(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * IcebergGenerics' rows of {@code table} selecting {@code columns} (all if empty), as the columns
   * of {@code schema} (Floe's output schema of the same selection), sorted.
   */
  public static List<String> generics(Table table, Schema schema, List<String> columns) {
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).select(columns.isEmpty() ? names(schema) : columns).build()) {
      for (Record record : records) {
        StringBuilder line = new StringBuilder();
        for (Types.NestedField field : schema.columns()) {
          line.append(field.name()).append('=');
          line.append(fromGeneric(record.getField(field.name()), field.type())).append('|');
        }
        rows.add(line.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(rows);
    return rows;
  }

  /**
   * IcebergGenerics' rows of the whole {@code table}, cut down to the columns and nested fields of
   * {@code schema} (matched by field id), sorted: the reference for projections where
   * IcebergGenerics' own projection is wrong (it reads a struct none of whose selected fields a
   * file has as present in every row).
   */
  public static List<String> genericsProjected(Table table, Schema schema) {
    List<String> rows = new ArrayList<>();
    Types.StructType full = table.schema().asStruct();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        StringBuilder line = new StringBuilder();
        for (Types.NestedField field : schema.columns()) {
          Types.NestedField tableField = full.field(field.fieldId());
          line.append(field.name()).append('=');
          line.append(
                  projected(record.getField(tableField.name()), field.type(), tableField.type()))
              .append('|');
        }
        rows.add(line.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(rows);
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static String projected(Object value, Type type, Type full) {
    if (value == null) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          StructLike struct = (StructLike) value;
          List<Types.NestedField> fullFields = full.asStructType().fields();
          StringBuilder text = new StringBuilder("{");
          boolean first = true;
          for (Types.NestedField field : type.asStructType().fields()) {
            int index = 0;
            while (fullFields.get(index).fieldId() != field.fieldId()) {
              index++;
            }
            text.append(first ? "" : ",")
                .append(
                    projected(
                        struct.get(index, Object.class),
                        field.type(),
                        fullFields.get(index).type()));
            first = false;
          }
          return text.append('}').toString();
        }
      case LIST:
        {
          StringBuilder text = new StringBuilder("[");
          boolean first = true;
          for (Object element : (List<Object>) value) {
            text.append(first ? "" : ",")
                .append(
                    projected(
                        element, type.asListType().elementType(), full.asListType().elementType()));
            first = false;
          }
          return text.append(']').toString();
        }
      case MAP:
        {
          List<String> texts = new ArrayList<>();
          for (Map.Entry<Object, Object> entry : ((Map<Object, Object>) value).entrySet()) {
            texts.add(
                fromGeneric(entry.getKey(), type.asMapType().keyType())
                    + ":"
                    + projected(
                        entry.getValue(),
                        type.asMapType().valueType(),
                        full.asMapType().valueType()));
          }
          Collections.sort(texts);
          return texts.toString();
        }
      default:
        return fromGeneric(value, type);
    }
  }

  private static List<String> names(Schema schema) {
    List<String> names = new ArrayList<>();
    schema.columns().forEach(c -> names.add(c.name()));
    return names;
  }

  static String fromVector(FieldVector vector, Type type, int index) {
    if (vector.isNull(index)) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          StructVector struct = (StructVector) vector;
          List<Types.NestedField> fields = type.asStructType().fields();
          StringBuilder text = new StringBuilder("{");
          for (int i = 0; i < fields.size(); i++) {
            FieldVector child = (FieldVector) struct.getChildByOrdinal(i);
            text.append(i == 0 ? "" : ",").append(fromVector(child, fields.get(i).type(), index));
          }
          return text.append('}').toString();
        }
      case LIST:
        {
          ListVector list = (ListVector) vector;
          int start = list.getElementStartIndex(index);
          int end = list.getElementEndIndex(index);
          StringBuilder text = new StringBuilder("[");
          for (int i = start; i < end; i++) {
            text.append(i == start ? "" : ",")
                .append(fromVector(list.getDataVector(), type.asListType().elementType(), i));
          }
          return text.append(']').toString();
        }
      case MAP:
        {
          ListVector map = (ListVector) vector;
          StructVector entries = (StructVector) map.getDataVector();
          List<String> texts = new ArrayList<>();
          for (int i = map.getElementStartIndex(index); i < map.getElementEndIndex(index); i++) {
            assertThat(entries.isNull(i)).as("map entry %d is null", i).isFalse();
            texts.add(
                fromVector(
                        (FieldVector) entries.getChildByOrdinal(0), type.asMapType().keyType(), i)
                    + ":"
                    + fromVector(
                        (FieldVector) entries.getChildByOrdinal(1),
                        type.asMapType().valueType(),
                        i));
          }
          Collections.sort(texts);
          return texts.toString();
        }
      case BOOLEAN:
        return String.valueOf(((BitVector) vector).get(index) != 0);
      case INTEGER:
        return "i" + ((IntVector) vector).get(index);
      case LONG:
        return "l" + ((BigIntVector) vector).get(index);
      case FLOAT:
        return "f" + Float.floatToRawIntBits(((Float4Vector) vector).get(index));
      case DOUBLE:
        return "d" + Double.doubleToRawLongBits(((Float8Vector) vector).get(index));
      case DECIMAL:
        return "dec" + ((DecimalVector) vector).getObject(index).toPlainString();
      case DATE:
        return "date" + ((DateDayVector) vector).get(index);
      case TIMESTAMP:
        return "ts" + ((TimeStampVector) vector).get(index);
      case STRING:
        return "s'" + new String(((VarCharVector) vector).get(index), StandardCharsets.UTF_8) + "'";
      case BINARY:
        return "b" + HexFormat.of().formatHex(((VarBinaryVector) vector).get(index));
      case FIXED:
      case UUID:
        return "b" + HexFormat.of().formatHex(((FixedSizeBinaryVector) vector).get(index));
      default:
        throw new IllegalArgumentException("Unsupported type " + type);
    }
  }

  @SuppressWarnings("unchecked")
  static String fromGeneric(Object value, Type type) {
    if (value == null) {
      return "null";
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          StructLike struct = (StructLike) value;
          List<Types.NestedField> fields = type.asStructType().fields();
          StringBuilder text = new StringBuilder("{");
          for (int i = 0; i < fields.size(); i++) {
            text.append(i == 0 ? "" : ",")
                .append(fromGeneric(struct.get(i, Object.class), fields.get(i).type()));
          }
          return text.append('}').toString();
        }
      case LIST:
        {
          StringBuilder text = new StringBuilder("[");
          boolean first = true;
          for (Object element : (List<Object>) value) {
            text.append(first ? "" : ",")
                .append(fromGeneric(element, type.asListType().elementType()));
            first = false;
          }
          return text.append(']').toString();
        }
      case MAP:
        {
          List<String> texts = new ArrayList<>();
          for (Map.Entry<Object, Object> entry : ((Map<Object, Object>) value).entrySet()) {
            texts.add(
                fromGeneric(entry.getKey(), type.asMapType().keyType())
                    + ":"
                    + fromGeneric(entry.getValue(), type.asMapType().valueType()));
          }
          Collections.sort(texts);
          return texts.toString();
        }
      case BOOLEAN:
        return String.valueOf(value);
      case INTEGER:
        return "i" + value;
      case LONG:
        return "l" + ((Number) value).longValue();
      case FLOAT:
        return "f" + Float.floatToRawIntBits((Float) value);
      case DOUBLE:
        return "d" + Double.doubleToRawLongBits(((Number) value).doubleValue());
      case DECIMAL:
        return "dec" + ((BigDecimal) value).toPlainString();
      case DATE:
        return "date" + DateTimeUtil.daysFromDate((LocalDate) value);
      case TIMESTAMP:
        return "ts"
            + (value instanceof OffsetDateTime
                ? DateTimeUtil.microsFromTimestamptz((OffsetDateTime) value)
                : DateTimeUtil.microsFromTimestamp((LocalDateTime) value));
      case STRING:
        return "s'" + value + "'";
      case BINARY:
      case FIXED:
        return "b" + HexFormat.of().formatHex(bytes(value));
      case UUID:
        java.util.UUID uuid = (java.util.UUID) value;
        return "b"
            + HexFormat.of()
                .formatHex(
                    ByteBuffer.allocate(16)
                        .putLong(uuid.getMostSignificantBits())
                        .putLong(uuid.getLeastSignificantBits())
                        .array());
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
