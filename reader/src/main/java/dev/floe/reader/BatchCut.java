package dev.floe.reader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.TransferPair;

/**
 * The backstop of {@link BatchRows}: when a decoded batch came out larger than the byte budget
 * (rows longer than the estimate, one huge value), the batch keeps the longest prefix of rows that
 * fits, at least one, and the rest waits here, moved out of the read vectors, to come as the next
 * batch (cut again if it is still too large). Rows are measured from the vectors themselves: the
 * offsets of variable-width vectors, the widths of fixed-width ones, the average row of others.
 */
final class BatchCut implements AutoCloseable {
  /** Bytes allowed for what the per-row sums miss: a last offset, validity rounded to bytes. */
  private static final double SLACK = 256;

  private final BufferAllocator allocator;
  private final long budget;
  private final double extraPerRow;
  private List<FieldVector> held;
  private int heldRows;
  private long heldFirstPosition;

  /**
   * @param extraPerRow bytes per row of the columns filled after the cut (metadata columns)
   */
  BatchCut(BufferAllocator allocator, long budget, double extraPerRow) {
    this.allocator = allocator;
    this.budget = budget;
    this.extraPerRow = extraPerRow;
  }

  /** Whether rows of an earlier batch are waiting. */
  boolean holdsRows() {
    return heldRows > 0;
  }

  /** The file position of the first waiting row. */
  long heldFirstPosition() {
    return heldFirstPosition;
  }

  /** Moves the waiting rows into {@code vectors} and returns their count. */
  int restore(List<FieldVector> vectors) {
    for (int i = 0; i < vectors.size(); i++) {
      held.get(i).makeTransferPair(vectors.get(i)).transfer();
    }
    int rows = heldRows;
    heldRows = 0;
    return rows;
  }

  /**
   * Cuts the batch of {@code rows} rows in {@code vectors} to the rows that fit the budget, keeping
   * the others for {@link #restore}.
   *
   * @return the rows left in the batch, 1 to {@code rows}
   */
  int cut(List<FieldVector> vectors, int rows, long firstPosition) {
    if (rows <= 1 || batchBytes(vectors, rows) <= budget) {
      return rows;
    }
    int kept = fittingRows(vectors, rows);
    if (kept == rows) {
      return rows;
    }
    if (held == null) {
      held = new ArrayList<>(vectors.size());
      for (FieldVector vector : vectors) {
        held.add(vector.getField().createVector(allocator));
      }
    }
    for (int i = 0; i < vectors.size(); i++) {
      FieldVector vector = vectors.get(i);
      TransferPair split = vector.makeTransferPair(held.get(i));
      split.splitAndTransfer(kept, rows - kept);
      vector.setValueCount(kept);
    }
    heldRows = rows - kept;
    heldFirstPosition = firstPosition + kept;
    return kept;
  }

  private double batchBytes(List<FieldVector> vectors, int rows) {
    long bytes = 0;
    for (FieldVector vector : vectors) {
      bytes += vector.getBufferSize();
    }
    return bytes + extraPerRow * rows;
  }

  /** The longest prefix of rows whose bytes fit the budget; at least one row. */
  private int fittingRows(List<FieldVector> vectors, int rows) {
    double[] rowBytes = new double[rows];
    Arrays.fill(rowBytes, extraPerRow + vectors.size() / 8.0); // and a validity bit per column
    for (FieldVector vector : vectors) {
      if (vector instanceof BaseVariableWidthVector variable) {
        for (int row = 0; row < rows; row++) {
          rowBytes[row] += 4 + variable.getEndOffset(row) - variable.getStartOffset(row);
        }
      } else {
        double width =
            vector instanceof BaseFixedWidthVector fixed && fixed.getTypeWidth() > 0
                ? fixed.getTypeWidth()
                : (double) vector.getBufferSize() / rows;
        for (int row = 0; row < rows; row++) {
          rowBytes[row] += width;
        }
      }
    }
    double total = SLACK;
    for (int row = 0; row < rows; row++) {
      total += rowBytes[row];
      if (total > budget) {
        return Math.max(1, row);
      }
    }
    return rows;
  }

  @Override
  public void close() {
    if (held != null) {
      RuntimeException failure = null;
      for (FieldVector vector : held) {
        failure = Closing.run(failure, vector::close);
      }
      held = null;
      if (failure != null) {
        throw failure;
      }
    }
  }
}
