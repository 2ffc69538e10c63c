package dev.floe.reader;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/** The columns a file is read with: what the user selected plus what filters and deletes need. */
public final class ReadColumns {
  private ReadColumns() {}

  /**
   * {@code columns} widened by the fields {@code fieldIds} of {@code table}, nested ones included:
   * a column of {@code columns} keeps its place and gains the fields it lacks, a column it does not
   * have is appended, pruned to the needed fields. Returns {@code columns} itself when it already
   * has every field.
   *
   * @param table the schema the ids belong to
   * @param columns top-level columns of {@code table}, possibly pruned
   * @param fieldIds ids of fields of {@code table} at any depth; metadata column ids are ignored
   */
  public static Schema widen(Schema table, Schema columns, Set<Integer> fieldIds) {
    Set<Integer> present = TypeUtil.getProjectedIds(columns);
    Set<Integer> missing = new LinkedHashSet<>();
    for (int id : fieldIds) {
      Types.NestedField field = table.findField(id);
      if (!MetadataColumns.isMetadataColumn(id) && field != null && columns.findField(id) == null) {
        // a struct, list or map is known to be null or not from any one field inside it
        missing.add(field.type().isNestedType() ? firstLeaf(field) : id);
      }
    }
    if (missing.isEmpty()) {
      return columns;
    }
    Set<Integer> all = new LinkedHashSet<>(present);
    all.addAll(missing);
    Schema union = TypeUtil.project(table, all);
    List<Types.NestedField> fields = new ArrayList<>();
    for (Types.NestedField column : columns.columns()) {
      Types.NestedField widened = union.asStruct().field(column.fieldId());
      fields.add(widened == null ? column : widened);
    }
    for (Types.NestedField column : union.columns()) {
      if (columns.asStruct().field(column.fieldId()) == null) {
        fields.add(column);
      }
    }
    return new Schema(fields);
  }

  private static int firstLeaf(Types.NestedField field) {
    Types.NestedField leaf = field;
    while (leaf.type().isNestedType() && !leaf.type().asNestedType().fields().isEmpty()) {
      leaf = leaf.type().asNestedType().fields().get(0);
    }
    return leaf.fieldId();
  }
}
