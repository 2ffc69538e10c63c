package dev.floe.arrow;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Hands out the selected part of a column that was read wider: a struct read with more fields than
 * were selected (because a filter or an equality delete needs them) is moved into the output
 * vector, which has only the selected ones. Validity and offsets are copied; leaf buffers are moved
 * (transferred), so the wide vector's leaves start the next batch empty.
 */
public final class VectorProjection {
  private VectorProjection() {}

  /**
   * Moves rows {@code [0, rows)} of {@code from} into {@code to}, whose type is {@code from}'s with
   * some struct fields left out (at any depth). Children are matched by name.
   *
   * @throws IllegalArgumentException if {@code to} has a field {@code from} does not
   */
  public static void move(FieldVector from, FieldVector to, int rows) {
    if (to instanceof StructVector target) {
      StructVector source = (StructVector) from;
      while (target.getValueCapacity() < rows) {
        target.reAlloc();
      }
      copyBits(source, target, rows);
      for (FieldVector child : target.getChildrenFromFields()) {
        FieldVector sourceChild = (FieldVector) source.getChild(child.getName());
        if (sourceChild == null) {
          throw new IllegalArgumentException(
              "Cannot project " + from.getField() + ": no field " + child.getName());
        }
        move(sourceChild, child, rows);
      }
      target.setValueCount(rows);
    } else if (to instanceof ListVector target) { // lists and maps
      ListVector source = (ListVector) from;
      while (target.getValueCapacity() < rows) {
        target.reAlloc();
      }
      copyBits(source, target, rows);
      long offsetBytes = (long) (rows + 1) * ListVector.OFFSET_WIDTH;
      MemoryUtil.copyMemory(
          source.getOffsetBuffer().memoryAddress(),
          target.getOffsetBuffer().memoryAddress(),
          rows == 0 ? ListVector.OFFSET_WIDTH : offsetBytes);
      int elements = rows == 0 ? 0 : source.getOffsetBuffer().getInt((long) rows * 4);
      move((FieldVector) source.getDataVector(), (FieldVector) target.getDataVector(), elements);
      target.setLastSet(rows - 1);
      target.setValueCount(rows);
    } else {
      from.setValueCount(rows);
      from.makeTransferPair(to).transfer();
    }
  }

  private static void copyBits(FieldVector source, FieldVector target, int rows) {
    MemoryUtil.copyMemory(
        source.getValidityBuffer().memoryAddress(),
        target.getValidityBuffer().memoryAddress(),
        BitVectorHelper.getValidityBufferSize(rows));
  }
}
