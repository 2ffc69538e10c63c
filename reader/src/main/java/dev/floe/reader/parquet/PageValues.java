package dev.floe.reader.parquet;

import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The non-null values of one page (or of a dictionary), decoded into plain arrays: numbers as
 * {@code long} (floats as their raw bits), byte arrays as slices of one backing array.
 */
final class PageValues {
  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  long[] longs = new long[0];
  int[] starts = new int[0];
  int[] lengths = new int[0];
  private int[] ids = new int[0];
  private byte[] base;

  byte[] bytes(int index) {
    return base;
  }

  /** Reads {@code count} PLAIN-encoded values starting at {@code offset}. */
  void readPlain(byte[] bytes, int offset, int count, PrimitiveTypeName physical, int typeLength) {
    readPlain(bytes, offset, bytes.length, count, physical, typeLength);
  }

  /** Reads {@code count} PLAIN-encoded values from {@code bytes[offset, end)}. */
  void readPlain(
      byte[] bytes, int offset, int end, int count, PrimitiveTypeName physical, int typeLength) {
    switch (physical) {
      case INT32:
      case FLOAT:
        ensureLongs(count);
        if (offset + (long) count * 4 > end) {
          throw new IllegalStateException("Cannot decode 32-bit values past the page end");
        }
        for (int i = 0; i < count; i++) {
          longs[i] = (int) INTS.get(bytes, offset + 4 * i);
        }
        break;
      case INT64:
      case DOUBLE:
        ensureLongs(count);
        if (offset + (long) count * 8 > end) {
          throw new IllegalStateException("Cannot decode 64-bit values past the page end");
        }
        java.nio.ByteBuffer.wrap(bytes, offset, count * 8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .asLongBuffer()
            .get(longs, 0, count);
        break;
      case BINARY:
        ensureSlices(count);
        int position = offset;
        for (int i = 0; i < count; i++) {
          if (position + 4 > end) {
            throw new IllegalStateException("Cannot decode a byte array length past the page end");
          }
          int length = (int) INTS.get(bytes, position);
          if (length < 0 || position + 4 + length > end) {
            throw new IllegalStateException(
                "Cannot decode a byte array value: length " + length + " past the page end");
          }
          starts[i] = position + 4;
          lengths[i] = length;
          position += 4 + length;
        }
        base = bytes;
        break;
      case FIXED_LEN_BYTE_ARRAY:
        ensureSlices(count);
        if (offset + (long) count * typeLength > end) {
          throw new IllegalStateException("Cannot decode fixed-length values past the page end");
        }
        for (int i = 0; i < count; i++) {
          starts[i] = offset + i * typeLength;
          lengths[i] = typeLength;
        }
        base = bytes;
        break;
      case BOOLEAN:
        ensureLongs(count);
        if (offset + ((long) count + 7) / 8 > end) {
          throw new IllegalStateException("Cannot decode booleans past the page end");
        }
        // one bit per value, least significant bit first
        for (int i = 0; i < count; i++) {
          longs[i] = (bytes[offset + (i >> 3)] >> (i & 7)) & 1;
        }
        break;
      default:
        throw new IllegalStateException("Cannot decode PLAIN values of type " + physical);
    }
  }

  /**
   * Reads {@code count} RLE-encoded booleans (a data page's RLE value encoding): a 4-byte length,
   * then RLE / bit-packed runs of bit width 1.
   */
  void readRleBooleans(byte[] bytes, int offset, int end, int count) {
    if (offset + 4 > end) {
      throw new IllegalStateException("Cannot decode RLE booleans: no length before the page end");
    }
    int length = PageDecoder.littleEndianInt(bytes, offset);
    if (length < 0 || offset + 4L + length > end) {
      throw new IllegalStateException(
          "Cannot decode RLE booleans: length " + length + " past the page end");
    }
    if (ids.length < count) {
      ids = new int[count];
    }
    new HybridDecoder(bytes, offset + 4, offset + 4 + length, 1).read(ids, count);
    ensureLongs(count);
    for (int i = 0; i < count; i++) {
      longs[i] = ids[i];
    }
  }

  /** Reads {@code count} dictionary ids and looks each up in {@code dictionary}. */
  void readDictionaryIds(
      byte[] bytes, int start, int end, int bitWidth, int count, PageValues dictionary) {
    if (ids.length < count) {
      ids = new int[count];
    }
    new HybridDecoder(bytes, start, end, bitWidth).read(ids, count);
    if (dictionary.base == null) {
      ensureLongs(count);
      long[] entries = dictionary.longs;
      for (int i = 0; i < count; i++) {
        longs[i] = entries[ids[i]];
      }
    } else {
      ensureSlices(count);
      for (int i = 0; i < count; i++) {
        starts[i] = dictionary.starts[ids[i]];
        lengths[i] = dictionary.lengths[ids[i]];
      }
      base = dictionary.base;
    }
  }

  private void ensureLongs(int count) {
    if (longs.length < count) {
      longs = new long[count];
    }
  }

  private void ensureSlices(int count) {
    if (starts.length < count) {
      starts = new int[count];
      lengths = new int[count];
    }
  }
}
