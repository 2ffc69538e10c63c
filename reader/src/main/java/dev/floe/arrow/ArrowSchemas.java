package dev.floe.arrow;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.arrow.ArrowSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Maps Iceberg columns to Arrow fields. The mapping is iceberg-arrow's {@link ArrowSchemaUtil}
 * (timestamptz → Timestamp(µs, "UTC"), decimal → Decimal128(P, S), uuid and fixed →
 * FixedSizeBinary, ...), always of the TABLE's type, so promoted columns surface with their new
 * type.
 */
public final class ArrowSchemas {
  private ArrowSchemas() {}

  /** The Arrow schema of the given Iceberg columns, in order. */
  public static Schema toArrow(org.apache.iceberg.Schema schema) {
    requireNonNull(schema, "schema is null");
    List<Field> fields =
        schema.columns().stream().map(ArrowSchemas::toArrow).collect(Collectors.toList());
    return new Schema(fields);
  }

  /** The Arrow field of one top-level Iceberg column. */
  public static Field toArrow(Types.NestedField column) {
    checkSupported(column);
    return ArrowSchemaUtil.convert(column);
  }

  /**
   * Fails with {@link IllegalArgumentException} when a column cannot be read into Arrow by Floe.
   *
   * @param column a top-level column of a projection
   */
  public static void checkSupported(Types.NestedField column) {
    Type type = column.type();
    if (type.isNestedType()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read column '%s' of type %s: nested types (struct, list, map) are not"
                  + " supported yet; select primitive columns only",
              column.name(), type));
    }
    switch (type.typeId()) {
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
            String.format(
                "Cannot read column '%s': type %s is not supported", column.name(), type));
    }
  }
}
