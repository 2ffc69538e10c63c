package dev.floe.reader;

import dev.floe.arrow.ConstantColumn;
import org.apache.iceberg.types.Types;

/** Values of a column that a data file does not have: its initial default, else null. */
public final class MissingColumns {
  private MissingColumns() {}

  /**
   * The constant that stands for {@code column} in a file written before it was added.
   *
   * @throws IllegalArgumentException if the column is required and has no initial default
   */
  public static ConstantColumn fill(Types.NestedField column) {
    Object initialDefault = column.initialDefault();
    if (initialDefault == null && column.isRequired()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read required column '%s' (id %d): the file does not have it and it has no"
                  + " initial default",
              column.name(), column.fieldId()));
    }
    return ConstantColumn.of(column.type(), initialDefault);
  }
}
