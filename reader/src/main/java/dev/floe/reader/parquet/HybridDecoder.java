package dev.floe.reader.parquet;

/**
 * Parquet's RLE / bit-packing hybrid encoding (definition levels, dictionary ids): a sequence of
 * runs, each either one value repeated or groups of 8 bit-packed values, least significant bit
 * first.
 */
final class HybridDecoder {
  private final byte[] bytes;
  private final int end;
  private final int bitWidth;
  private int position;

  HybridDecoder(byte[] bytes, int start, int end, int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new IllegalStateException("Invalid bit width: " + bitWidth + ", expected 0 to 32");
    }
    this.bytes = bytes;
    this.position = start;
    this.end = end;
    this.bitWidth = bitWidth;
  }

  /** Decodes the next {@code count} values into {@code out[0..count)}. */
  void read(int[] out, int count) {
    int n = 0;
    int valueBytes = (bitWidth + 7) / 8;
    while (n < count) {
      if (position >= end) {
        throw new IllegalStateException(
            "Cannot decode RLE/bit-packed data: it ends after " + n + " of " + count + " values");
      }
      int header = readUnsignedVarInt();
      if ((header & 1) == 0) {
        int run = header >>> 1;
        int value = 0;
        for (int b = 0; b < valueBytes; b++) {
          value |= (bytes[position++] & 0xFF) << (8 * b);
        }
        int take = Math.min(run, count - n);
        java.util.Arrays.fill(out, n, n + take, value);
        n += take;
      } else {
        int values = (header >>> 1) * 8;
        int take = Math.min(values, count - n);
        unpack(out, n, take);
        n += take;
        position += (header >>> 1) * bitWidth;
      }
    }
  }

  private void unpack(int[] out, int at, int count) {
    if (bitWidth == 0) {
      java.util.Arrays.fill(out, at, at + count, 0);
      return;
    }
    // a bit buffer refilled a byte at a time: each byte of the run is loaded once
    long mask = (1L << bitWidth) - 1;
    long buffer = 0;
    int bits = 0;
    int p = position;
    for (int k = 0; k < count; k++) {
      while (bits < bitWidth) {
        long b = p < end ? bytes[p] & 0xFFL : 0; // a truncated run reads as zeros
        p++;
        buffer |= b << bits;
        bits += 8;
      }
      out[at + k] = (int) (buffer & mask);
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
  }

  private int readUnsignedVarInt() {
    int value = 0;
    int shift = 0;
    while (true) {
      if (position >= end) {
        throw new IllegalStateException("Cannot decode RLE/bit-packed data: truncated header");
      }
      int b = bytes[position++] & 0xFF;
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
      shift += 7;
      if (shift > 28) {
        throw new IllegalStateException("Cannot decode RLE/bit-packed data: header too long");
      }
    }
  }
}
