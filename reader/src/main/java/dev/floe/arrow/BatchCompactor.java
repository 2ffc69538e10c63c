package dev.floe.arrow;

import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Compacts vectors in place so that only selected rows remain, in order. Rows only ever move to a
 * lower index, so each copy reads a row that has not been overwritten yet; variable-width values
 * move with an overlapping-safe memory copy. No buffer is allocated.
 */
public final class BatchCompactor {
  private BatchCompactor() {}

  /**
   * Keeps rows {@code selection[0..count)} (strictly increasing) of every vector.
   *
   * @param vectors vectors holding at least {@code selection[count - 1] + 1} rows
   * @param selection kept row indexes, ascending
   * @param count number of kept rows
   */
  public static void compact(List<FieldVector> vectors, int[] selection, int count) {
    for (FieldVector vector : vectors) {
      compact(vector, selection, count);
    }
  }

  private static void compact(FieldVector vector, int[] selection, int count) {
    int first = 0;
    while (first < count && selection[first] == first) {
      first++;
    }
    for (int target = first; target < count; target++) {
      vector.copyFrom(selection[target], target, vector);
    }
    vector.setValueCount(count);
  }
}
