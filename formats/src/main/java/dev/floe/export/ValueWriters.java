package dev.floe.export;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One writer per Iceberg type. The Iceberg type decides the JSON form (a 16-byte fixed value is
 * Base64 for {@code fixed[16]} but a UUID string for {@code uuid}); the Arrow vector only holds the
 * value, and {@link ValueWriter#check} verifies once per vector that it is the vector the Iceberg
 * type maps to, so that {@link ValueWriter#write} can cast without looking.
 */
final class ValueWriters {
  private static final Base64.Encoder BASE64 = Base64.getEncoder();

  private ValueWriters() {}

  abstract static class ValueWriter {
    /** Throws IllegalArgumentException if {@code vector} cannot hold this writer's type. */
    abstract void check(ValueVector vector, String path);

    /** Appends the value at {@code index}, or {@code null}. */
    final void write(StringBuilder out, ValueVector vector, int index) {
      if (vector.isNull(index)) {
        out.append("null");
      } else {
        writeNonNull(out, vector, index);
      }
    }

    abstract void writeNonNull(StringBuilder out, ValueVector vector, int index);
  }

  static ValueWriter forType(Type type, String path) {
    switch (type.typeId()) {
      case BOOLEAN:
        return primitive(BitVector.class, (out, v, i) -> out.append(((BitVector) v).get(i) != 0));
      case INTEGER:
        return primitive(IntVector.class, (out, v, i) -> out.append(((IntVector) v).get(i)));
      case LONG:
        return primitive(BigIntVector.class, (out, v, i) -> out.append(((BigIntVector) v).get(i)));
      case FLOAT:
        return primitive(
            Float4Vector.class,
            (out, v, i) -> appendNumber(out, ShortestDecimal.toString(((Float4Vector) v).get(i))));
      case DOUBLE:
        return primitive(
            Float8Vector.class,
            (out, v, i) -> appendNumber(out, ShortestDecimal.toString(((Float8Vector) v).get(i))));
      case DECIMAL:
        return new DecimalWriter(((Types.DecimalType) type).scale());
      case STRING:
        return primitive(VarCharVector.class, ValueWriters::appendUtf8);
      case BINARY:
        return primitive(
            VarBinaryVector.class, (out, v, i) -> appendBase64(out, ((VarBinaryVector) v).get(i)));
      case FIXED:
        return new FixedWriter(((Types.FixedType) type).length(), false);
      case UUID:
        return new FixedWriter(16, true);
      case DATE:
        return primitive(
            DateDayVector.class,
            (out, v, i) -> {
              out.append('"');
              JsonText.appendDate(out, ((DateDayVector) v).get(i));
              out.append('"');
            });
      case TIME:
        return primitive(
            TimeMicroVector.class,
            (out, v, i) -> {
              out.append('"');
              JsonText.appendTimeOfDay(out, ((TimeMicroVector) v).get(i), false);
              out.append('"');
            });
      case TIMESTAMP:
        boolean utc = ((Types.TimestampType) type).shouldAdjustToUTC();
        return timestamp(
            utc ? TimeStampMicroTZVector.class : TimeStampMicroVector.class, false, utc);
      case TIMESTAMP_NANO:
        boolean nanoUtc = ((Types.TimestampNanoType) type).shouldAdjustToUTC();
        return timestamp(
            nanoUtc ? TimeStampNanoTZVector.class : TimeStampNanoVector.class, true, nanoUtc);
      case STRUCT:
        return new StructWriter(type.asStructType(), path);
      case LIST:
        return new ListWriter(forType(type.asListType().elementType(), path + ".element"));
      case MAP:
        Types.MapType map = type.asMapType();
        return new MapWriter(
            forType(map.keyType(), path + ".key"), forType(map.valueType(), path + ".value"));
      default:
        throw new IllegalArgumentException(
            String.format("Cannot encode column %s: unsupported type %s", path, type));
    }
  }

  private interface Appender {
    void append(StringBuilder out, ValueVector vector, int index);
  }

  private static ValueWriter primitive(
      Class<? extends ValueVector> vectorClass, Appender appender) {
    return new ValueWriter() {
      @Override
      void check(ValueVector vector, String path) {
        requireClass(vector, vectorClass, path);
      }

      @Override
      void writeNonNull(StringBuilder out, ValueVector vector, int index) {
        appender.append(out, vector, index);
      }
    };
  }

  private static ValueWriter timestamp(
      Class<? extends TimeStampVector> vectorClass, boolean nanos, boolean utc) {
    return primitive(
        vectorClass,
        (out, v, i) -> {
          out.append('"');
          JsonText.appendTimestamp(out, ((TimeStampVector) v).get(i), nanos, utc);
          out.append('"');
        });
  }

  private static void requireClass(ValueVector vector, Class<?> expected, String path) {
    if (!expected.isInstance(vector)) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot encode column %s: expected %s but the vector is %s (%s)",
              path,
              expected.getSimpleName(),
              vector.getClass().getSimpleName(),
              vector.getField().getType()));
    }
  }

  /** NaN and the infinities are not JSON numbers; the canonical form spells them as strings. */
  private static void appendNumber(StringBuilder out, String text) {
    char last = text.charAt(text.length() - 1);
    if (last == 'N' || last == 'y') {
      out.append('"').append(text).append('"');
    } else {
      out.append(text);
    }
  }

  private static void appendBase64(StringBuilder out, byte[] bytes) {
    out.append('"').append(BASE64.encodeToString(bytes)).append('"');
  }

  /** Escapes ASCII straight from the Arrow buffer; anything else goes through a decoded String. */
  private static void appendUtf8(StringBuilder out, ValueVector vector, int index) {
    VarCharVector strings = (VarCharVector) vector;
    ArrowBuf data = strings.getDataBuffer();
    int start = strings.getStartOffset(index);
    int end = strings.getEndOffset(index);
    for (int i = start; i < end; i++) {
      if (data.getByte(i) < 0x20) { // also true for every byte of a multi-byte sequence
        byte[] bytes = new byte[end - start];
        data.getBytes(start, bytes);
        JsonText.appendString(out, new String(bytes, StandardCharsets.UTF_8));
        return;
      }
    }
    out.append('"');
    for (int i = start; i < end; i++) {
      char c = (char) data.getByte(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  private static final class DecimalWriter extends ValueWriter {
    private final int scale;

    DecimalWriter(int scale) {
      this.scale = scale;
    }

    @Override
    void check(ValueVector vector, String path) {
      requireClass(vector, DecimalVector.class, path);
      int actual = ((DecimalVector) vector).getScale();
      if (actual != scale) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot encode column %s: expected scale %d but the vector has scale %d",
                path, scale, actual));
      }
    }

    @Override
    void writeNonNull(StringBuilder out, ValueVector vector, int index) {
      // Decimal128 is a little-endian two's complement integer; most values fit in the low long.
      ArrowBuf data = ((DecimalVector) vector).getDataBuffer();
      long offset = (long) index * DecimalVector.TYPE_WIDTH;
      long low = data.getLong(offset);
      long high = data.getLong(offset + 8);
      out.append('"');
      if (high == (low >> 63) && low != Long.MIN_VALUE) {
        appendUnscaled(out, low < 0, Long.toString(Math.abs(low)));
      } else {
        BigInteger unscaled = ((DecimalVector) vector).getObject(index).unscaledValue();
        appendUnscaled(out, unscaled.signum() < 0, unscaled.abs().toString());
      }
      out.append('"');
    }

    /** Plain notation with exactly {@code scale} fraction digits, e.g. -1 at scale 2 → -0.01. */
    private void appendUnscaled(StringBuilder out, boolean negative, String digits) {
      if (negative) {
        out.append('-');
      }
      if (scale <= 0) {
        // Iceberg scales are never negative; BigDecimal handles the odd case exactly.
        out.append(new BigDecimal(new BigInteger(digits), scale).toPlainString());
        return;
      }
      int integerDigits = digits.length() - scale;
      if (integerDigits <= 0) {
        out.append("0.");
        for (int i = integerDigits; i < 0; i++) {
          out.append('0');
        }
        out.append(digits);
      } else {
        out.append(digits, 0, integerDigits)
            .append('.')
            .append(digits, integerDigits, digits.length());
      }
    }
  }

  private static final class FixedWriter extends ValueWriter {
    private final int length;
    private final boolean uuid;

    FixedWriter(int length, boolean uuid) {
      this.length = length;
      this.uuid = uuid;
    }

    @Override
    void check(ValueVector vector, String path) {
      requireClass(vector, FixedSizeBinaryVector.class, path);
      int width = ((FixedSizeBinaryVector) vector).getByteWidth();
      if (width != length) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot encode column %s: expected %d-byte values but the vector has %d",
                path, length, width));
      }
    }

    @Override
    void writeNonNull(StringBuilder out, ValueVector vector, int index) {
      byte[] bytes = ((FixedSizeBinaryVector) vector).get(index);
      if (uuid) {
        JsonText.appendUuid(out, bytes);
      } else {
        appendBase64(out, bytes);
      }
    }
  }

  /** Every field, in the Iceberg struct's order, including null ones. */
  private static final class StructWriter extends ValueWriter {
    private final String[] keys;
    private final ValueWriter[] fields;

    StructWriter(Types.StructType struct, String path) {
      List<Types.NestedField> columns = struct.fields();
      this.keys = new String[columns.size()];
      this.fields = new ValueWriter[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        Types.NestedField field = columns.get(i);
        keys[i] = key(i, field.name());
        fields[i] = forType(field.type(), path + "." + field.name());
      }
    }

    @Override
    void check(ValueVector vector, String path) {
      requireClass(vector, StructVector.class, path);
      StructVector struct = (StructVector) vector;
      if (struct.size() != fields.length) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot encode column %s: expected %d struct fields but the vector has %d",
                path, fields.length, struct.size()));
      }
      for (int i = 0; i < fields.length; i++) {
        ValueVector child = struct.getChildByOrdinal(i);
        fields[i].check(child, path + "." + child.getName());
      }
    }

    @Override
    void writeNonNull(StringBuilder out, ValueVector vector, int index) {
      StructVector struct = (StructVector) vector;
      out.append('{');
      for (int i = 0; i < fields.length; i++) {
        out.append(keys[i]);
        fields[i].write(out, struct.getChildByOrdinal(i), index);
      }
      out.append('}');
    }
  }

  /** {@code "name":} with the separating comma for every member but the first. */
  static String key(int position, String name) {
    StringBuilder key = new StringBuilder(name.length() + 4);
    if (position > 0) {
      key.append(',');
    }
    JsonText.appendString(key, name);
    return key.append(':').toString();
  }

  private static final class ListWriter extends ValueWriter {
    private final ValueWriter element;

    ListWriter(ValueWriter element) {
      this.element = element;
    }

    @Override
    void check(ValueVector vector, String path) {
      requireClass(vector, ListVector.class, path);
      if (vector instanceof MapVector) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot encode column %s: expected a list but the vector is a map", path));
      }
      element.check(((ListVector) vector).getDataVector(), path + ".element");
    }

    @Override
    void writeNonNull(StringBuilder out, ValueVector vector, int index) {
      ListVector list = (ListVector) vector;
      ValueVector elements = list.getDataVector();
      int end = list.getElementEndIndex(index);
      out.append('[');
      for (int i = list.getElementStartIndex(index); i < end; i++) {
        element.write(out, elements, i);
        if (i + 1 < end) {
          out.append(',');
        }
      }
      out.append(']');
    }
  }

  /**
   * An array of {@code {"key":K,"value":V}} sorted by the UTF-8 bytes of K's canonical text, so
   * that the output does not depend on the order in which a writer stored the entries.
   */
  private static final class MapWriter extends ValueWriter {
    private final ValueWriter key;
    private final ValueWriter value;

    MapWriter(ValueWriter key, ValueWriter value) {
      this.key = key;
      this.value = value;
    }

    @Override
    void check(ValueVector vector, String path) {
      requireClass(vector, MapVector.class, path);
      ValueVector entries = ((MapVector) vector).getDataVector();
      requireClass(entries, StructVector.class, path + ".entries");
      StructVector struct = (StructVector) entries;
      if (struct.size() != 2) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot encode column %s: expected key and value but the entries have %d fields",
                path, struct.size()));
      }
      key.check(struct.getChildByOrdinal(0), path + ".key");
      value.check(struct.getChildByOrdinal(1), path + ".value");
    }

    @Override
    void writeNonNull(StringBuilder out, ValueVector vector, int index) {
      MapVector map = (MapVector) vector;
      StructVector entries = (StructVector) map.getDataVector();
      ValueVector keys = entries.getChildByOrdinal(0);
      ValueVector values = entries.getChildByOrdinal(1);
      int start = map.getElementStartIndex(index);
      int end = map.getElementEndIndex(index);
      List<Entry> sorted = new ArrayList<>(end - start);
      StringBuilder scratch = new StringBuilder();
      for (int i = start; i < end; i++) {
        scratch.setLength(0);
        key.write(scratch, keys, i);
        String keyText = scratch.toString();
        scratch.setLength(0);
        value.write(scratch, values, i);
        sorted.add(new Entry(keyText, scratch.toString()));
      }
      sorted.sort(null);
      out.append('[');
      for (int i = 0; i < sorted.size(); i++) {
        Entry entry = sorted.get(i);
        if (i > 0) {
          out.append(',');
        }
        out.append("{\"key\":").append(entry.key).append(",\"value\":").append(entry.value);
        out.append('}');
      }
      out.append(']');
    }
  }

  private static final class Entry implements Comparable<Entry> {
    private final String key;
    private final String value;
    private final byte[] keyBytes;

    Entry(String key, String value) {
      this.key = key;
      this.value = value;
      this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(Entry other) {
      return Arrays.compareUnsigned(keyBytes, other.keyBytes);
    }
  }
}
