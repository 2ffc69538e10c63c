package dev.floe.reader;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.types.Types;

/** The metadata columns a scan can add after its data columns. */
public enum MetadataColumn {
  /** Location of the data file the row comes from. */
  FILE(MetadataColumns.FILE_PATH),
  /** Position of the row in its data file, counting deleted rows. */
  POS(MetadataColumns.ROW_POSITION),
  /** Partition spec id of the row's data file. */
  SPEC_ID(MetadataColumns.SPEC_ID);

  private final Types.NestedField field;

  MetadataColumn(Types.NestedField field) {
    this.field = field;
  }

  public Types.NestedField field() {
    return field;
  }

  public String columnName() {
    return field.name();
  }

  /**
   * Parses a metadata column name such as {@code _file}.
   *
   * @throws IllegalArgumentException naming the supported columns if {@code name} is not one
   */
  public static MetadataColumn fromName(String name) {
    for (MetadataColumn column : values()) {
      if (column.columnName().equals(name.toLowerCase(Locale.ROOT))) {
        return column;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "Invalid metadata column: %s, expected one of %s",
            name,
            Arrays.stream(values()).map(MetadataColumn::columnName).collect(Collectors.toList())));
  }
}
