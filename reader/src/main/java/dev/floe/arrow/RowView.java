package dev.floe.arrow;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.arrow.vector.BaseFixedWidthVector;
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
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A {@link StructLike} view of one row of a set of Arrow vectors, in Iceberg's internal value
 * representation (days as int, micros as long, strings as CharSequence, binary and fixed as
 * ByteBuffer, uuid as UUID, decimals as BigDecimal). It lets Iceberg's own machinery — {@code
 * Evaluator} for residual filters, equality delete sets — run on Arrow data without converting
 * whole batches to records. Positioned with {@link #at(int)}; not thread safe.
 */
public final class RowView implements StructLike {
  private final ValueReader[] readers;
  private int row;

  public RowView(Types.StructType struct, List<FieldVector> vectors) {
    requireNonNull(struct, "struct is null");
    requireNonNull(vectors, "vectors is null");
    if (struct.fields().size() != vectors.size()) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid vectors: %d, expected one per field of %s", vectors.size(), struct));
    }
    this.readers = new ValueReader[vectors.size()];
    for (int i = 0; i < readers.length; i++) {
      readers[i] = readerFor(struct.fields().get(i).type(), vectors.get(i));
    }
  }

  /** Positions the view on a row and returns it. */
  public RowView at(int newRow) {
    this.row = newRow;
    return this;
  }

  @Override
  public int size() {
    return readers.length;
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    return javaClass.cast(readers[pos].get(row));
  }

  @Override
  public <T> void set(int pos, T value) {
    throw new UnsupportedOperationException("RowView is read-only");
  }

  @FunctionalInterface
  private interface ValueReader {
    Object get(int row);
  }

  private static ValueReader readerFor(Type type, FieldVector vector) {
    ValueReader nonNull = nonNullReader(type, vector);
    return row -> vector.isNull(row) ? null : nonNull.get(row);
  }

  private static ValueReader nonNullReader(Type type, FieldVector vector) {
    switch (type.typeId()) {
      case STRUCT:
        {
          StructVector struct = (StructVector) vector;
          List<FieldVector> children = struct.getChildrenFromFields();
          NestedRow nested = new NestedRow(type.asStructType(), children);
          return nested::at;
        }
      case LIST:
        {
          ListVector list = (ListVector) vector;
          ValueReader element =
              readerFor(type.asListType().elementType(), (FieldVector) list.getDataVector());
          return row -> {
            List<Object> values = new ArrayList<>();
            for (int i = list.getElementStartIndex(row); i < list.getElementEndIndex(row); i++) {
              values.add(element.get(i));
            }
            return values;
          };
        }
      case MAP:
        {
          MapVector map = (MapVector) vector;
          StructVector entries = (StructVector) map.getDataVector();
          ValueReader key =
              readerFor(type.asMapType().keyType(), (FieldVector) entries.getChildByOrdinal(0));
          ValueReader value =
              readerFor(type.asMapType().valueType(), (FieldVector) entries.getChildByOrdinal(1));
          return row -> {
            Map<Object, Object> values = new LinkedHashMap<>();
            for (int i = map.getElementStartIndex(row); i < map.getElementEndIndex(row); i++) {
              values.put(key.get(i), value.get(i));
            }
            return values;
          };
        }
      case BOOLEAN:
        return row -> ((BitVector) vector).get(row) != 0;
      case INTEGER:
        return ((IntVector) vector)::get;
      case LONG:
        return ((BigIntVector) vector)::get;
      case FLOAT:
        return ((Float4Vector) vector)::get;
      case DOUBLE:
        return ((Float8Vector) vector)::get;
      case DATE:
        return ((DateDayVector) vector)::get;
      case TIME:
        return ((TimeMicroVector) vector)::get;
      case TIMESTAMP:
      case TIMESTAMP_NANO:
        return ((TimeStampVector) vector)::get;
      case DECIMAL:
        return ((DecimalVector) vector)::getObject;
      case STRING:
        return row -> new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
      case BINARY:
        return row -> ByteBuffer.wrap(((VarBinaryVector) vector).get(row));
      case FIXED:
        return row -> ByteBuffer.wrap(((FixedSizeBinaryVector) vector).get(row));
      case UUID:
        return row -> uuid((BaseFixedWidthVector) vector, row);
      default:
        throw new IllegalArgumentException("Cannot view values of type " + type);
    }
  }

  /**
   * A struct value: a {@link StructLike} over the children of a struct vector at one row, read
   * lazily. It is valid while the batch it was read from is.
   */
  private static final class NestedRow {
    private final ValueReader[] readers;

    NestedRow(Types.StructType struct, List<FieldVector> children) {
      this.readers = new ValueReader[children.size()];
      for (int i = 0; i < readers.length; i++) {
        readers[i] = readerFor(struct.fields().get(i).type(), children.get(i));
      }
    }

    StructLike at(int row) {
      return new StructLike() {
        @Override
        public int size() {
          return readers.length;
        }

        @Override
        public <T> T get(int pos, Class<T> javaClass) {
          return javaClass.cast(readers[pos].get(row));
        }

        @Override
        public <T> void set(int pos, T value) {
          throw new UnsupportedOperationException("A struct of a RowView is read-only");
        }
      };
    }
  }

  private static UUID uuid(BaseFixedWidthVector vector, int row) {
    ByteBuffer bytes = ByteBuffer.wrap(((FixedSizeBinaryVector) vector).get(row));
    return new UUID(bytes.getLong(), bytes.getLong());
  }
}
