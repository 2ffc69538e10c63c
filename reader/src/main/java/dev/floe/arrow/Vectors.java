package dev.floe.arrow;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;

/**
 * Low-level writes into reused output vectors. Decoders call {@link #prepare} once per batch and
 * then write values and validity bits straight to the buffers' memory, within the capacity it
 * guaranteed, instead of paying Arrow's per-value bounds and reference-count checks.
 */
public final class Vectors {
  private Vectors() {}

  /**
   * Makes room for {@code rows} values (value, validity and offset buffers) and empties
   * variable-width vectors. Buffers are kept from batch to batch.
   */
  public static void prepare(FieldVector vector, int rows) {
    if (vector instanceof BaseVariableWidthVector) {
      vector.reset();
    }
    while (vector.getValueCapacity() < rows) {
      vector.reAlloc();
    }
  }

  /** Makes room for {@code bytes} bytes of variable-width data. */
  public static void reserveData(BaseVariableWidthVector vector, long bytes) {
    while (vector.getDataBuffer().capacity() < bytes) {
      vector.reallocDataBuffer();
    }
  }

  /** Marks rows {@code [0, rows)} valid. */
  public static void setAllValid(FieldVector vector, int rows) {
    long address = vector.getValidityBuffer().memoryAddress();
    int fullBytes = rows >> 3;
    MemoryUtil.setMemory(address, fullBytes, (byte) 0xFF);
    if ((rows & 7) != 0) {
      byte last = MemoryUtil.getByte(address + fullBytes);
      MemoryUtil.putByte(address + fullBytes, (byte) (last | ((1 << (rows & 7)) - 1)));
    }
  }

  /** Marks rows valid where {@code isNull} is false, rows {@code [0, rows)}. */
  public static void setValidity(FieldVector vector, boolean[] isNull, int rows) {
    long address = vector.getValidityBuffer().memoryAddress();
    int bytes = BitVectorHelper.getValidityBufferSize(rows);
    for (int b = 0; b < bytes; b++) {
      int bits = 0;
      int base = b << 3;
      int end = Math.min(8, rows - base);
      for (int i = 0; i < end; i++) {
        if (!isNull[base + i]) {
          bits |= 1 << i;
        }
      }
      MemoryUtil.putByte(address + b, (byte) bits);
    }
  }

  /** Sets bits {@code [from, from + count)} of the bitmap at {@code address}. */
  public static void setBits(long address, int from, int count) {
    int index = from;
    int end = from + count;
    while (index < end && (index & 7) != 0) {
      setBit(address, index++, true);
    }
    int fullBytes = (end - index) >> 3;
    if (fullBytes > 0) {
      MemoryUtil.setMemory(address + (index >> 3), fullBytes, (byte) 0xFF);
      index += fullBytes << 3;
    }
    while (index < end) {
      setBit(address, index++, true);
    }
  }

  /** Sets or clears bit {@code index} of the bitmap at {@code address}. */
  public static void setBit(long address, int index, boolean value) {
    long byteAddress = address + (index >> 3);
    byte current = MemoryUtil.getByte(byteAddress);
    int mask = 1 << (index & 7);
    MemoryUtil.putByte(byteAddress, (byte) (value ? current | mask : current & ~mask));
  }
}
