package dev.floe.arrow;

import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Compacts vectors in place so that only selected rows remain, in order. Deletes are usually
 * sparse, so the selection is a few long runs of consecutive rows: the runs are found once per
 * batch and each run moves with one memory copy per vector (validity bits row by row). Rows only
 * ever move to a lower index, so a copy never reads what an earlier copy wrote, and the copies are
 * overlap-safe. No buffer is allocated; all access stays within the vectors' current value count.
 */
public final class BatchCompactor {
  private static final int OFFSET_WIDTH = BaseVariableWidthVector.OFFSET_WIDTH;

  /** Runs as (target, source, length) triples; grows to the largest batch seen. */
  private int[] runs = new int[48];

  private int runCount;

  /**
   * Keeps rows {@code selection[0..count)} (strictly increasing) of every vector.
   *
   * @param vectors vectors holding at least {@code selection[count - 1] + 1} rows
   * @param selection kept row indexes, ascending
   * @param count number of kept rows
   */
  public void compact(List<FieldVector> vectors, int[] selection, int count) {
    findRuns(selection, count);
    for (FieldVector vector : vectors) {
      if (vector instanceof BitVector) {
        compactBits((BitVector) vector);
      } else if (vector instanceof BaseFixedWidthVector) {
        compactFixed((BaseFixedWidthVector) vector);
      } else if (vector instanceof BaseVariableWidthVector) {
        compactVariable((BaseVariableWidthVector) vector);
      } else {
        compactNested(vector, selection, count);
      }
      vector.setValueCount(count);
    }
  }

  /**
   * Struct, list and map vectors: the kept rows are copied into a new vector of the same field,
   * whose buffers then replace the vector's. In place, a list's children would be overwritten
   * before they are read.
   */
  private static void compactNested(FieldVector vector, int[] selection, int count) {
    try (FieldVector kept = vector.getField().createVector(vector.getAllocator())) {
      int target = 0;
      while (target < count) {
        int end = target + 1;
        while (end < count && selection[end] == selection[end - 1] + 1) {
          end++;
        }
        NestedRowCopier.copy(vector, selection[target], kept, target, end - target);
        target = end;
      }
      kept.setValueCount(count);
      vector.clear();
      kept.makeTransferPair(vector).transfer();
    }
  }

  private void findRuns(int[] selection, int count) {
    runCount = 0;
    int target = 0;
    while (target < count && selection[target] == target) {
      target++;
    }
    while (target < count) {
      int end = target + 1;
      while (end < count && selection[end] == selection[end - 1] + 1) {
        end++;
      }
      if (runs.length < (runCount + 1) * 3) {
        runs = java.util.Arrays.copyOf(runs, runs.length * 2);
      }
      runs[runCount * 3] = target;
      runs[runCount * 3 + 1] = selection[target];
      runs[runCount * 3 + 2] = end - target;
      runCount++;
      target = end;
    }
  }

  private void compactFixed(BaseFixedWidthVector vector) {
    long width = vector.getTypeWidth();
    long data = vector.getDataBuffer().memoryAddress();
    long validity = vector.getValidityBuffer().memoryAddress();
    long validityBytes = vector.getValidityBuffer().capacity();
    for (int r = 0; r < runCount; r++) {
      int target = runs[r * 3];
      int source = runs[r * 3 + 1];
      int length = runs[r * 3 + 2];
      MemoryUtil.copyMemory(data + source * width, data + target * width, length * width);
      copyBits(validity, validityBytes, source, target, length);
    }
  }

  private void compactBits(BitVector vector) {
    long values = vector.getDataBuffer().memoryAddress();
    long valueBytes = vector.getDataBuffer().capacity();
    long validity = vector.getValidityBuffer().memoryAddress();
    long validityBytes = vector.getValidityBuffer().capacity();
    for (int r = 0; r < runCount; r++) {
      copyBits(values, valueBytes, runs[r * 3 + 1], runs[r * 3], runs[r * 3 + 2]);
      copyBits(validity, validityBytes, runs[r * 3 + 1], runs[r * 3], runs[r * 3 + 2]);
    }
  }

  private void compactVariable(BaseVariableWidthVector vector) {
    long offsets = vector.getOffsetBuffer().memoryAddress();
    long data = vector.getDataBuffer().memoryAddress();
    long validity = vector.getValidityBuffer().memoryAddress();
    long validityBytes = vector.getValidityBuffer().capacity();
    int lastTarget = -1;
    for (int r = 0; r < runCount; r++) {
      int target = runs[r * 3];
      int source = runs[r * 3 + 1];
      int length = runs[r * 3 + 2];
      int end = MemoryUtil.getInt(offsets + (long) target * OFFSET_WIDTH);
      int sourceStart = MemoryUtil.getInt(offsets + (long) source * OFFSET_WIDTH);
      int sourceEnd = MemoryUtil.getInt(offsets + (long) (source + length) * OFFSET_WIDTH);
      // each offset read (source + i) is at or after the one written (target + i)
      for (int i = 1; i <= length; i++) {
        int sourceOffset = MemoryUtil.getInt(offsets + (long) (source + i) * OFFSET_WIDTH);
        MemoryUtil.putInt(
            offsets + (long) (target + i) * OFFSET_WIDTH, end + sourceOffset - sourceStart);
      }
      MemoryUtil.copyMemory(data + sourceStart, data + end, sourceEnd - sourceStart);
      copyBits(validity, validityBytes, source, target, length);
      lastTarget = target + length - 1;
    }
    if (lastTarget >= 0) {
      vector.setLastSet(lastTarget);
    }
  }

  /**
   * Copies bits {@code [source, source + length)} to {@code [target, ...)}, target <= source: 57
   * bits at a time while a whole 64-bit word can be read, then bit by bit.
   */
  private static void copyBits(long address, long capacity, int source, int target, int length) {
    while (length > 0 && (source >> 3) + 8 <= capacity) {
      int n = Math.min(length, 57);
      long mask = (1L << n) - 1;
      long bits = (MemoryUtil.getLong(address + (source >> 3)) >>> (source & 7)) & mask;
      long targetAddress = address + (target >> 3);
      int shift = target & 7;
      long word = MemoryUtil.getLong(targetAddress);
      MemoryUtil.putLong(targetAddress, (word & ~(mask << shift)) | (bits << shift));
      source += n;
      target += n;
      length -= n;
    }
    for (int i = 0; i < length; i++) {
      int from = source + i;
      int to = target + i;
      byte bit = (byte) ((MemoryUtil.getByte(address + (from >> 3)) >> (from & 7)) & 1);
      long toAddress = address + (to >> 3);
      byte current = MemoryUtil.getByte(toAddress);
      MemoryUtil.putByte(toAddress, (byte) ((current & ~(1 << (to & 7))) | (bit << (to & 7))));
    }
  }
}
