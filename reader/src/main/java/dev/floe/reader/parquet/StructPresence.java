package dev.floe.reader.parquet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Where a projected struct's nullness comes from when none of its projected fields is in a file
 * (say only fields added after the file was written are selected): one more leaf of the struct, its
 * primitive field of the smallest id (the oldest, so the likeliest to be in older files), is read
 * with it, levels only. Without it the struct would read as null, or, as IcebergGenerics does, as
 * present in every row; Spark reads it as the file has it, and so does Floe.
 */
final class StructPresence {
  private StructPresence() {}

  /**
   * The Parquet read projection: {@code columns} with, in every struct, its presence field of
   * {@code tableSchema} added if missing. Maps each struct's id to its presence field's id.
   */
  static Schema readSchema(Schema columns, Schema tableSchema, Map<Integer, Integer> presence) {
    List<Types.NestedField> fields = new ArrayList<>();
    for (Types.NestedField column : columns.columns()) {
      fields.add(withPresence(column, tableSchema, presence));
    }
    return new Schema(fields);
  }

  /** A fresh presence map. */
  static Map<Integer, Integer> newPresenceMap() {
    return new HashMap<>();
  }

  private static Types.NestedField withPresence(
      Types.NestedField field, Schema tableSchema, Map<Integer, Integer> presence) {
    Type type = withPresence(field.fieldId(), field.type(), tableSchema, presence);
    return type == field.type() ? field : Types.NestedField.from(field).ofType(type).build();
  }

  private static Type withPresence(
      int id, Type type, Schema tableSchema, Map<Integer, Integer> presence) {
    switch (type.typeId()) {
      case STRUCT:
        {
          List<Types.NestedField> fields = new ArrayList<>();
          boolean changed = false;
          for (Types.NestedField child : type.asStructType().fields()) {
            Types.NestedField updated = withPresence(child, tableSchema, presence);
            changed |= updated != child;
            fields.add(updated);
          }
          Types.NestedField sentinel = sentinel(id, tableSchema);
          if (sentinel != null) {
            presence.put(id, sentinel.fieldId());
            if (type.asStructType().field(sentinel.fieldId()) == null) {
              fields.add(
                  Types.NestedField.optional(sentinel.fieldId(), sentinel.name(), sentinel.type()));
              changed = true;
            }
          }
          return changed ? Types.StructType.of(fields) : type;
        }
      case LIST:
        {
          Types.ListType list = type.asListType();
          Type element = withPresence(list.elementId(), list.elementType(), tableSchema, presence);
          if (element == list.elementType()) {
            return type;
          }
          return list.isElementOptional()
              ? Types.ListType.ofOptional(list.elementId(), element)
              : Types.ListType.ofRequired(list.elementId(), element);
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          Type value = withPresence(map.valueId(), map.valueType(), tableSchema, presence);
          if (value == map.valueType()) {
            return type;
          }
          return map.isValueOptional()
              ? Types.MapType.ofOptional(map.keyId(), map.valueId(), map.keyType(), value)
              : Types.MapType.ofRequired(map.keyId(), map.valueId(), map.keyType(), value);
        }
      default:
        return type;
    }
  }

  /** The primitive field of smallest id of the table's struct {@code id}, or null. */
  private static Types.NestedField sentinel(int id, Schema tableSchema) {
    Types.NestedField field = tableSchema.findField(id);
    if (field == null || !field.type().isStructType()) {
      return null;
    }
    Types.NestedField best = null;
    for (Types.NestedField child : field.type().asStructType().fields()) {
      if (child.type().isPrimitiveType() && (best == null || child.fieldId() < best.fieldId())) {
        best = child;
      }
    }
    return best;
  }
}
