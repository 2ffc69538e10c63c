package dev.floe.reader;

import org.apache.arrow.vector.FieldVector;

/** Writes the next {@code rows} values of one column into rows {@code [0, rows)} of a vector. */
@FunctionalInterface
public interface ColumnFill {
  void fill(FieldVector vector, int rows);
}
