package dev.floe.reader;

import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.Type;

/** What a filter refers to. */
public final class FilterColumns {
  private FilterColumns() {}

  /**
   * Whether {@code filter} refers to a column of {@code schema} of the given type.
   *
   * @throws org.apache.iceberg.exceptions.ValidationException if the filter does not bind to the
   *     schema
   */
  public static boolean refersToType(
      Schema schema, Expression filter, boolean caseSensitive, Type.TypeID type) {
    return Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive).stream()
        .map(schema::findType)
        .anyMatch(found -> found != null && found.typeId() == type);
  }
}
