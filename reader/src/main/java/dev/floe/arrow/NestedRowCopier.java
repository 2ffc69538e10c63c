package dev.floe.arrow;

import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Copies runs of consecutive rows of a struct, list or map vector, with everything under it, to the
 * end of another vector of the same field: one memory copy per run and child for values and
 * offsets, validity bit by bit. Used to compact nested vectors, which cannot be compacted in place
 * (a list's kept elements would overwrite elements not yet moved). Not Arrow's own copy, which goes
 * through {@code ComplexCopier} value by value and cannot write every element type (it throws on
 * timestamptz elements).
 */
final class NestedRowCopier {
  private NestedRowCopier() {}

  /**
   * Copies rows {@code [from, from + count)} of {@code source} to rows {@code [to, to + count)} of
   * {@code target}, which holds rows up to {@code to - 1} and grows as needed.
   */
  static void copy(FieldVector source, int from, FieldVector target, int to, int count) {
    if (count == 0) {
      return;
    }
    while (target.getValueCapacity() < to + count) {
      target.reAlloc();
    }
    copyBits(source.getValidityBuffer().memoryAddress(), from, target, to, count);
    if (source instanceof ListVector list) { // maps too
      copyList(list, from, (ListVector) target, to, count);
    } else if (source instanceof StructVector struct) {
      List<FieldVector> children = struct.getChildrenFromFields();
      List<FieldVector> targets = target.getChildrenFromFields();
      for (int j = 0; j < children.size(); j++) {
        copy(children.get(j), from, targets.get(j), to, count);
      }
    } else if (source instanceof BitVector) {
      long values = source.getDataBuffer().memoryAddress();
      long out = target.getDataBuffer().memoryAddress();
      for (int i = 0; i < count; i++) {
        Vectors.setBit(out, to + i, BitVectorHelper.get(source.getDataBuffer(), from + i) != 0);
      }
    } else if (source instanceof BaseFixedWidthVector fixed) {
      long width = fixed.getTypeWidth();
      MemoryUtil.copyMemory(
          source.getDataBuffer().memoryAddress() + width * from,
          target.getDataBuffer().memoryAddress() + width * to,
          width * count);
    } else if (source instanceof BaseVariableWidthVector variable) {
      copyVariable(variable, from, (BaseVariableWidthVector) target, to, count);
    } else {
      throw new UnsupportedOperationException("Cannot copy rows of " + source.getField());
    }
  }

  private static void copyList(ListVector source, int from, ListVector target, int to, int count) {
    long in = source.getOffsetBuffer().memoryAddress();
    long out = target.getOffsetBuffer().memoryAddress();
    int first = MemoryUtil.getInt(in + 4L * from);
    int start = to == 0 ? 0 : MemoryUtil.getInt(out + 4L * to);
    MemoryUtil.putInt(out + 4L * to, start);
    for (int i = 1; i <= count; i++) {
      MemoryUtil.putInt(
          out + 4L * (to + i), start + MemoryUtil.getInt(in + 4L * (from + i)) - first);
    }
    int elements = MemoryUtil.getInt(in + 4L * (from + count)) - first;
    copy(source.getDataVector(), first, target.getDataVector(), start, elements);
    target.setLastSet(to + count - 1);
  }

  private static void copyVariable(
      BaseVariableWidthVector source, int from, BaseVariableWidthVector target, int to, int count) {
    long in = source.getOffsetBuffer().memoryAddress();
    int first = MemoryUtil.getInt(in + 4L * from);
    int bytes = MemoryUtil.getInt(in + 4L * (from + count)) - first;
    long out = target.getOffsetBuffer().memoryAddress();
    int start = to == 0 ? 0 : MemoryUtil.getInt(out + 4L * to);
    Vectors.reserveData(target, (long) start + bytes);
    out = target.getOffsetBuffer().memoryAddress();
    MemoryUtil.copyMemory(
        source.getDataBuffer().memoryAddress() + first,
        target.getDataBuffer().memoryAddress() + start,
        bytes);
    MemoryUtil.putInt(out + 4L * to, start);
    for (int i = 1; i <= count; i++) {
      MemoryUtil.putInt(
          out + 4L * (to + i), start + MemoryUtil.getInt(in + 4L * (from + i)) - first);
    }
    target.setLastSet(to + count - 1);
  }

  private static void copyBits(long validity, int from, FieldVector target, int to, int count) {
    long out = target.getValidityBuffer().memoryAddress();
    for (int i = 0; i < count; i++) {
      int bit = from + i;
      boolean set = (MemoryUtil.getByte(validity + (bit >> 3)) & (1 << (bit & 7))) != 0;
      Vectors.setBit(out, to + i, set);
    }
  }
}
