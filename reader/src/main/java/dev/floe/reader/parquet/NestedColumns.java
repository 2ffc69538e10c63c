package dev.floe.reader.parquet;

import dev.floe.reader.MissingColumns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type.Repetition;

/**
 * Resolves a nested Iceberg column against a Parquet file's schema (with field ids, as Iceberg's
 * reader hands it over: written by Iceberg, or given ids by a name mapping) into the tree of {@link
 * DremelNode}s that decodes it, with the levels at which each node has a slot, starts one, and is
 * non-null.
 *
 * <p>Struct fields are matched by field id, list elements and map keys and values by position, as
 * Iceberg's {@code TypeWithSchemaVisitor} does. Lists may use the standard 3-level layout or the
 * legacy 2-level ones (a repeated primitive or a repeated group with several fields, one named
 * {@code array} or {@code <list>_tuple}, inside a {@code LIST} group), following Parquet's
 * backward-compatibility rules as Iceberg's {@code ParquetSchemaUtil} does; a repeated field
 * without annotation is a required list of required elements. Maps may mark their repeated group
 * {@code MAP_KEY_VALUE}. A field the file lacks reads as null or its initial default; a node none
 * of whose projected leaves is in the file counts as lacking, as in Iceberg, whose reader prunes
 * it.
 */
final class NestedColumns {
  private final MessageType fileSchema;
  private final Map<Integer, Integer> presence;

  private NestedColumns(MessageType fileSchema, Map<Integer, Integer> presence) {
    this.fileSchema = fileSchema;
    this.presence = presence;
  }

  /** The levels of the field being resolved: its parent's cumulative levels and slot rule. */
  private record Levels(
      List<String> path, int definition, int repetition, int slotDefinition, int slotRepetition) {
    Levels child(String name, int definition, int repetition, int slotDef, int slotRep) {
      List<String> childPath = new ArrayList<>(path);
      childPath.add(name);
      return new Levels(childPath, definition, repetition, slotDef, slotRep);
    }
  }

  /**
   * The decoder tree of {@code column}, stored in the file as {@code fileField} (a top-level
   * field), or null if the file has none of its projected leaves.
   */
  static DremelNode resolve(
      MessageType fileSchema,
      Types.NestedField column,
      org.apache.parquet.schema.Type fileField,
      Map<Integer, Integer> presence) {
    return new NestedColumns(fileSchema, presence)
        .node(column, fileField, fileField.getRepetition(), new Levels(List.of(), 0, 0, 0, 0));
  }

  /**
   * @param repetition the repetition the file field counts with: its own, or REQUIRED for the
   *     repeated field of a 2-level list, which is the element itself
   * @param parent the levels of the field's parent; {@code path} does not hold the field yet
   */
  private DremelNode node(
      Types.NestedField field,
      org.apache.parquet.schema.Type fileField,
      Repetition repetition,
      Levels parent) {
    Levels at =
        parent.child(
            fileField.getName(),
            parent.definition(),
            parent.repetition(),
            parent.slotDefinition(),
            parent.slotRepetition());
    if (repetition == Repetition.REPEATED) {
      // an unannotated repeated field: a required list of required elements
      checkKind(field, fileField, field.type().isListType());
      return list(field, null, fileField, at, at.definition());
    }
    int present = at.definition() + (repetition == Repetition.OPTIONAL ? 1 : 0);
    Type type = field.type();
    switch (type.typeId()) {
      case STRUCT:
        checkKind(
            field, fileField, !fileField.isPrimitive() && !isList(fileField) && !isMap(fileField));
        return struct(field.fieldId(), type.asStructType(), fileField.asGroupType(), at, present);
      case LIST:
        checkKind(field, fileField, isList(fileField));
        GroupType list = fileField.asGroupType();
        return list(field, list, list.getType(0), at, present);
      case MAP:
        checkKind(field, fileField, isMap(fileField));
        return map(type.asMapType(), fileField.asGroupType(), at, present);
      default:
        checkKind(field, fileField, fileField.isPrimitive());
        ColumnDescriptor descriptor =
            fileSchema.getColumnDescription(at.path().toArray(new String[0]));
        if (descriptor.getMaxDefinitionLevel() != present) {
          throw new IllegalStateException(
              String.format(
                  "Cannot read %s: definition level %d, expected %d",
                  descriptor, descriptor.getMaxDefinitionLevel(), present));
        }
        PageDecoder.Target target = PageDecoder.target(descriptor, type);
        if (target == PageDecoder.Target.BOOLEAN) {
          target = null; // nested booleans go value by value; flat ones have the page decoder
        }
        LeafColumn leaf =
            new LeafColumn(
                descriptor,
                ParquetDecoders.reader(descriptor.getPrimitiveType(), type),
                target == null ? null : new LeafPages(descriptor, target),
                at.slotDefinition());
        return new DremelNode.Leaf(leaf, at.slotDefinition(), at.slotRepetition(), present);
    }
  }

  private DremelNode struct(
      int id, Types.StructType type, GroupType group, Levels at, int present) {
    List<DremelNode> children = new ArrayList<>();
    boolean anyLeaf = false;
    Levels inside =
        new Levels(at.path(), present, at.repetition(), at.slotDefinition(), at.slotRepetition());
    for (Types.NestedField field : type.fields()) {
      org.apache.parquet.schema.Type fileField = fieldById(group, field.fieldId());
      DremelNode child =
          fileField == null ? null : node(field, fileField, fileField.getRepetition(), inside);
      if (child == null) {
        child = new DremelNode.Missing(MissingColumns.fill(field));
      } else {
        anyLeaf = true;
      }
      children.add(child);
    }
    LeafColumn presenceLeaf = null;
    if (!anyLeaf) {
      // none of the projected fields is in the file: the struct's own nullness from another
      Integer presenceId = presence.get(id);
      org.apache.parquet.schema.Type other =
          presenceId == null ? null : fieldById(group, presenceId);
      if (other == null || !other.isPrimitive()) {
        return null;
      }
      List<String> path = new ArrayList<>(at.path());
      path.add(other.getName());
      presenceLeaf =
          new LeafColumn(
              fileSchema.getColumnDescription(path.toArray(new String[0])),
              null,
              null,
              at.slotDefinition());
    }
    return new DremelNode.Struct(
        children, presenceLeaf, at.slotDefinition(), at.slotRepetition(), present);
  }

  /**
   * @param group the LIST group, or null for an unannotated repeated field
   * @param repeated the repeated field inside the group (or the unannotated repeated field)
   */
  private DremelNode list(
      Types.NestedField field,
      GroupType group,
      org.apache.parquet.schema.Type repeated,
      Levels at,
      int present) {
    Types.NestedField element = field.type().asListType().fields().get(0);
    int repeatedDefinition = present + 1;
    int repeatedRepetition = at.repetition() + 1;
    DremelNode elementNode;
    if (group == null || isTwoLevel(group)) {
      // the repeated field is the element; "at" already names it for an unannotated one
      Levels parent = group == null ? withoutLast(at) : at;
      Levels elementParent =
          new Levels(
              parent.path(),
              repeatedDefinition,
              repeatedRepetition,
              repeatedDefinition,
              repeatedRepetition);
      elementNode = node(element, repeated, Repetition.REQUIRED, elementParent);
    } else {
      GroupType middle = repeated.asGroupType();
      Levels inside =
          at.child(
              middle.getName(),
              repeatedDefinition,
              repeatedRepetition,
              repeatedDefinition,
              repeatedRepetition);
      org.apache.parquet.schema.Type elementField = middle.getType(0);
      elementNode = node(element, elementField, elementField.getRepetition(), inside);
    }
    if (elementNode == null) {
      return null;
    }
    return new DremelNode.Repeated(elementNode, at.slotDefinition(), at.slotRepetition(), present);
  }

  private DremelNode map(Types.MapType type, GroupType group, Levels at, int present) {
    GroupType keyValue = group.getType(0).asGroupType();
    if (!keyValue.isRepetition(Repetition.REPEATED) || keyValue.getFieldCount() != 2) {
      throw new UnsupportedOperationException(
          "Cannot read map " + group + ": expected a repeated group of a key and a value");
    }
    int repeatedDefinition = present + 1;
    int repeatedRepetition = at.repetition() + 1;
    Levels inside =
        at.child(
            keyValue.getName(),
            repeatedDefinition,
            repeatedRepetition,
            repeatedDefinition,
            repeatedRepetition);
    org.apache.parquet.schema.Type keyField = keyValue.getType(0);
    org.apache.parquet.schema.Type valueField = keyValue.getType(1);
    DremelNode key = node(type.fields().get(0), keyField, keyField.getRepetition(), inside);
    DremelNode value = node(type.fields().get(1), valueField, valueField.getRepetition(), inside);
    if (value == null) {
      value = new DremelNode.Missing(MissingColumns.fill(type.fields().get(1)));
    }
    DremelNode entries =
        new DremelNode.Struct(
            List.of(key, value), null, repeatedDefinition, repeatedRepetition, repeatedDefinition);
    return new DremelNode.Repeated(entries, at.slotDefinition(), at.slotRepetition(), present);
  }

  private static Levels withoutLast(Levels at) {
    return new Levels(
        at.path().subList(0, at.path().size() - 1),
        at.definition(),
        at.repetition(),
        at.slotDefinition(),
        at.slotRepetition());
  }

  private static org.apache.parquet.schema.Type fieldById(GroupType group, int id) {
    for (org.apache.parquet.schema.Type field : group.getFields()) {
      if (field.getId() != null && field.getId().intValue() == id) {
        return field;
      }
    }
    return null;
  }

  private static boolean isList(org.apache.parquet.schema.Type field) {
    return !field.isPrimitive()
        && field.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
        && field.asGroupType().getFieldCount() == 1
        && field.asGroupType().getType(0).isRepetition(Repetition.REPEATED);
  }

  private static boolean isMap(org.apache.parquet.schema.Type field) {
    LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
    return !field.isPrimitive()
        && (logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
        && field.asGroupType().getFieldCount() == 1
        && !field.asGroupType().getType(0).isPrimitive();
  }

  /** Parquet's backward-compatibility rules for LIST groups, as Iceberg applies them. */
  private static boolean isTwoLevel(GroupType list) {
    org.apache.parquet.schema.Type repeated = list.getType(0);
    return repeated.isPrimitive()
        || repeated.asGroupType().getFieldCount() > 1
        || repeated.getName().equals("array")
        || repeated.getName().equals(list.getName() + "_tuple");
  }

  private static void checkKind(
      Types.NestedField field, org.apache.parquet.schema.Type fileField, boolean compatible) {
    if (!compatible) {
      throw new UnsupportedOperationException(
          String.format(
              "Cannot read field '%s' (id %d) of type %s: the file stores %s",
              field.name(), field.fieldId(), field.type(), fileField));
    }
  }
}
