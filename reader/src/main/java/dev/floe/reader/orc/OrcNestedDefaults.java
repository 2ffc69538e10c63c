package dev.floe.reader.orc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Nested fields with an initial default (format v3): Iceberg 1.11's ORC reader refuses to project
 * one that a file lacks ("ORC cannot read default value"), so they are left out of the ORC
 * projection of such files and filled by {@link OrcNestedConverters}, as top-level columns are by
 * {@link OrcBatchSource}.
 */
final class OrcNestedDefaults {
  private OrcNestedDefaults() {}

  /** Ids of the fields with an initial default inside the columns' nested types, at any depth. */
  static Set<Integer> fieldsWithDefaults(Schema columns) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (Types.NestedField column : columns.columns()) {
      collect(column.type(), ids);
    }
    return ids;
  }

  private static void collect(Type type, Set<Integer> ids) {
    if (!type.isNestedType()) {
      return;
    }
    for (Types.NestedField field : type.asNestedType().fields()) {
      if (type.isStructType() && field.initialDefault() != null) {
        ids.add(field.fieldId());
      }
      collect(field.type(), ids);
    }
  }

  /** {@code columns} without the nested fields {@code ids}. */
  static Schema without(Schema columns, Set<Integer> ids) {
    if (ids.isEmpty()) {
      return columns;
    }
    List<Types.NestedField> kept =
        columns.columns().stream()
            .map(column -> withType(column, without(column.type(), ids)))
            .toList();
    return new Schema(kept);
  }

  private static Type without(Type type, Set<Integer> ids) {
    switch (type.typeId()) {
      case STRUCT:
        return Types.StructType.of(
            type.asStructType().fields().stream()
                .filter(field -> !ids.contains(field.fieldId()))
                .map(field -> withType(field, without(field.type(), ids)))
                .toList());
      case LIST:
        {
          Types.ListType list = type.asListType();
          Type element = without(list.elementType(), ids);
          return list.isElementOptional()
              ? Types.ListType.ofOptional(list.elementId(), element)
              : Types.ListType.ofRequired(list.elementId(), element);
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          Type value = without(map.valueType(), ids);
          return map.isValueOptional()
              ? Types.MapType.ofOptional(map.keyId(), map.valueId(), map.keyType(), value)
              : Types.MapType.ofRequired(map.keyId(), map.valueId(), map.keyType(), value);
        }
      default:
        return type;
    }
  }

  private static Types.NestedField withType(Types.NestedField field, Type type) {
    return type == field.type() ? field : Types.NestedField.from(field).ofType(type).build();
  }
}
