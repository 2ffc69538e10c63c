package dev.floe.arrow;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.arrow.ArrowSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps Iceberg columns to Arrow fields, always of the TABLE's type, so promoted columns surface
 * with their new type. Primitives are iceberg-arrow's {@link ArrowSchemaUtil} (timestamptz →
 * Timestamp(µs, "UTC"), decimal → Decimal128(P, S), uuid and fixed → FixedSizeBinary, ...). Nested
 * types:
 *
 * <ul>
 *   <li>struct → {@code Struct}, one child per field, in the struct's order;
 *   <li>list → {@code List} with one child named {@code element};
 *   <li>map → {@code Map} (keys not sorted) with one non-null {@code entries} struct of a non-null
 *       {@code key} and a {@code value}.
 * </ul>
 *
 * <p>Nullability follows Iceberg's required / optional at every level (an element or value is
 * nullable unless the list or map declares it required).
 */
public final class ArrowSchemas {
  /** Names Arrow's own {@code MapVector} gives the parts of a map. */
  public static final String MAP_ENTRIES = "entries";

  public static final String MAP_KEY = "key";
  public static final String MAP_VALUE = "value";
  public static final String LIST_ELEMENT = "element";

  private ArrowSchemas() {}

  /** The Arrow schema of the given Iceberg columns, in order. */
  public static Schema toArrow(org.apache.iceberg.Schema schema) {
    requireNonNull(schema, "schema is null");
    List<Field> fields =
        schema.columns().stream().map(ArrowSchemas::toArrow).collect(Collectors.toList());
    return new Schema(fields);
  }

  /** The Arrow field of one Iceberg column or nested field. */
  public static Field toArrow(Types.NestedField column) {
    checkSupported(column);
    return field(column.name(), column.isOptional(), column.type(), column);
  }

  private static Field field(String name, boolean nullable, Type type, Types.NestedField column) {
    switch (type.typeId()) {
      case STRUCT:
        {
          List<Field> children = new ArrayList<>();
          for (Types.NestedField child : type.asStructType().fields()) {
            children.add(field(child.name(), child.isOptional(), child.type(), child));
          }
          return new Field(
              name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
        }
      case LIST:
        {
          Types.ListType list = type.asListType();
          Field element = field(LIST_ELEMENT, list.isElementOptional(), list.elementType(), column);
          return new Field(
              name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          Field key = field(MAP_KEY, false, map.keyType(), column);
          Field value = field(MAP_VALUE, map.isValueOptional(), map.valueType(), column);
          Field entries =
              new Field(
                  MAP_ENTRIES,
                  new FieldType(false, ArrowType.Struct.INSTANCE, null),
                  List.of(key, value));
          return new Field(
              name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
        }
      default:
        Field primitive =
            ArrowSchemaUtil.convert(
                nullable
                    ? Types.NestedField.optional(column.fieldId(), name, type)
                    : Types.NestedField.required(column.fieldId(), name, type));
        return primitive;
    }
  }

  /**
   * Fails with {@link IllegalArgumentException} when a column, or a field nested in it, cannot be
   * read into Arrow by Floe.
   *
   * @param column a column of a projection
   */
  public static void checkSupported(Types.NestedField column) {
    checkSupported(column.name(), column.type());
  }

  private static void checkSupported(String path, Type type) {
    switch (type.typeId()) {
      case STRUCT:
        for (Types.NestedField field : type.asStructType().fields()) {
          checkSupported(path + "." + field.name(), field.type());
        }
        return;
      case LIST:
        checkSupported(path + "." + LIST_ELEMENT, type.asListType().elementType());
        return;
      case MAP:
        checkSupported(path + "." + MAP_KEY, type.asMapType().keyType());
        checkSupported(path + "." + MAP_VALUE, type.asMapType().valueType());
        return;
      case BOOLEAN:
      case INTEGER:
      case LONG:
      case FLOAT:
      case DOUBLE:
      case DECIMAL:
      case DATE:
      case TIME:
      case TIMESTAMP:
      case TIMESTAMP_NANO:
      case STRING:
      case UUID:
      case FIXED:
      case BINARY:
        return;
      default:
        throw new IllegalArgumentException(
            String.format("Cannot read column '%s': type %s is not supported", path, type));
    }
  }
}
