package dev.floe.export;

import static java.util.Objects.requireNonNull;

import dev.floe.export.ValueWriters.ValueWriter;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * Encodes rows of Arrow record batches as canonical JSON Lines: one JSON object per row, members in
 * schema order, no spaces, and one fixed text per value, so that two readers agree on a row exactly
 * when they produce the same bytes (the encoding of the oracle tables' {@code expected/*.jsonl}).
 *
 * <p>The Iceberg schema of the batch decides how a value is written, because Arrow alone cannot
 * tell a {@code uuid} from a {@code fixed[16]}: uuids become {@code 8-4-4-4-12} strings, fixed and
 * binary values Base64, decimals plain strings with exactly {@code scale} fraction digits, floats
 * the shortest round-tripping number, NaN and the infinities strings, dates {@code YYYY-MM-DD},
 * timestamps six fraction digits plus {@code Z} when adjusted to UTC, maps arrays of {@code
 * {"key":K,"value":V}} sorted by K's text.
 *
 * <p>The batch's columns must be the schema's columns, in order, with the Arrow types that {@code
 * ArrowSchemaUtil} gives them; this is checked whenever a column's vector changes and a mismatch is
 * an {@link IllegalArgumentException}. An encoder caches the vectors it has checked, so use one per
 * thread.
 */
public final class CanonicalJson {
  private final Schema schema;
  private final String[] names;
  private final String[] keys;
  private final ValueWriter[] writers;
  private final FieldVector[] checked;

  private CanonicalJson(Schema schema) {
    this.schema = schema;
    List<Types.NestedField> columns = schema.columns();
    this.names = new String[columns.size()];
    this.keys = new String[columns.size()];
    this.writers = new ValueWriter[columns.size()];
    this.checked = new FieldVector[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField column = columns.get(i);
      names[i] = column.name();
      keys[i] = ValueWriters.key(i, column.name());
      writers[i] = ValueWriters.forType(column.type(), column.name());
    }
  }

  /**
   * An encoder for batches whose columns are {@code schema}'s columns, e.g. the projected schema of
   * a scan.
   *
   * @throws IllegalArgumentException if a column has a type without a canonical form
   */
  public static CanonicalJson forSchema(Schema schema) {
    requireNonNull(schema, "schema is null");
    return new CanonicalJson(schema);
  }

  public Schema schema() {
    return schema;
  }

  /**
   * The canonical JSON text of single values of one column, e.g. of a struct, list or map cell
   * shown as text.
   *
   * @throws IllegalArgumentException if the column's type has no canonical form
   */
  public static ColumnValues forColumn(Types.NestedField column) {
    requireNonNull(column, "column is null");
    return new ColumnValues(column.name(), ValueWriters.forType(column.type(), column.name()));
  }

  /** Encodes the values of one column; see {@link #forColumn}. Use one per thread. */
  public static final class ColumnValues {
    private final String name;
    private final ValueWriter writer;
    private FieldVector checked;

    private ColumnValues(String name, ValueWriter writer) {
      this.name = name;
      this.writer = writer;
    }

    /**
     * The value at {@code row} of {@code vector} as canonical JSON ({@code null} for null).
     *
     * @throws IllegalArgumentException if the vector does not hold the column's type
     */
    public String text(FieldVector vector, int row) {
      requireNonNull(vector, "vector is null");
      if (vector != checked) {
        writer.check(vector, name);
        checked = vector;
      }
      StringBuilder out = new StringBuilder(32);
      writer.write(out, vector, row);
      return out.toString();
    }
  }

  /** The canonical line of row {@code row}, without the trailing newline. */
  public String line(VectorSchemaRoot root, int row) {
    StringBuilder out = new StringBuilder(64 * names.length);
    append(out, root, row);
    return out.toString();
  }

  /** Appends the canonical line of row {@code row} to {@code out}, without a newline. */
  public void append(StringBuilder out, VectorSchemaRoot root, int row) {
    requireNonNull(out, "out is null");
    requireNonNull(root, "root is null");
    if (row < 0 || row >= root.getRowCount()) {
      throw new IndexOutOfBoundsException(
          String.format("Cannot encode row %d: the batch has %d rows", row, root.getRowCount()));
    }
    if (root.getSchema().getFields().size() != names.length) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot encode row: the batch has %d columns but the schema has %d",
              root.getSchema().getFields().size(), names.length));
    }
    out.append('{');
    for (int i = 0; i < names.length; i++) {
      FieldVector vector = root.getVector(i);
      if (vector != checked[i]) {
        check(i, vector);
      }
      out.append(keys[i]);
      writers[i].write(out, vector, row);
    }
    out.append('}');
  }

  private void check(int column, FieldVector vector) {
    if (!names[column].equals(vector.getName())) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot encode row: column %d is '%s' but the schema expects '%s'",
              column, vector.getName(), names[column]));
    }
    writers[column].check(vector, names[column]);
    checked[column] = vector;
  }
}
