package dev.floe.reader;

import dev.floe.arrow.ConstantColumn;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.Schema;
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

  /**
   * Ids of the columns of {@code columns} that have an initial default and that {@code file} may
   * have been written without: its metrics (column sizes, value or null counts, keyed by field id)
   * do not show them. A file whose metrics were not kept, or written with metrics mode {@code none}
   * for a column, may still store it.
   *
   * <p>Such columns must not prune row groups or stripes: Iceberg's Parquet row-group filters take
   * a column the file lacks for all nulls, while its rows read the default, and an ORC file is read
   * without the columns it lacks, so its search argument cannot name them. Columns without an
   * initial default do read as null, so they prune as usual.
   */
  public static Set<Integer> mayLack(Schema columns, ContentFile<?> file) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (Types.NestedField column : columns.columns()) {
      int id = column.fieldId();
      if (column.initialDefault() != null
          && !has(file.columnSizes(), id)
          && !has(file.valueCounts(), id)
          && !has(file.nullValueCounts(), id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static boolean has(Map<Integer, ?> metrics, int id) {
    return metrics != null && metrics.containsKey(id);
  }
}
