package dev.floe.delete;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/**
 * A set of byte strings (UTF-8 strings, or multi-column keys encoded by {@link KeyEncoder}) that is
 * probed straight from an Arrow buffer or a reused scratch array, so a probe copies nothing and
 * allocates nothing. Keys are stored back to back in one array; the table holds entry numbers, with
 * open addressing over a table at most half full, and a 64-bit hash mixed from 8-byte words. Built
 * once, then read by any number of threads.
 */
final class ByteKeySet {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final boolean NATIVE_LITTLE_ENDIAN =
      ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  private static final long K1 = 0x9e3779b97f4a7c15L;
  private static final long K2 = 0xc2b2ae3d27d4eb4fL;

  private byte[] arena = new byte[256];
  private int arenaUsed;
  private int[] offsets = new int[16];
  private int[] lengths = new int[16];
  private int size;
  // high 32 bits: the hash's high half; low 32 bits: entry number + 1; 0 is empty
  private long[] slots;
  private int mask;

  ByteKeySet(int expected) {
    int capacity = 16;
    while (capacity < expected * 2L && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    this.slots = new long[capacity];
    this.mask = capacity - 1;
  }

  private static long slotValue(long hash, int entry) {
    return (hash & 0xffffffff00000000L) | (entry + 1L);
  }

  /** Adds {@code key[0, length)}. */
  void add(byte[] key, int length) {
    long hash = hash(key, length);
    int slot = (int) hash & mask;
    long found;
    while ((found = slots[slot]) != 0) {
      if (sameHash(found, hash) && equalsEntry(entry(found), key, length)) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, size * 2);
      lengths = Arrays.copyOf(lengths, size * 2);
    }
    if (arenaUsed + length > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + length));
    }
    System.arraycopy(key, 0, arena, arenaUsed, length);
    offsets[size] = arenaUsed;
    lengths[size] = length;
    arenaUsed += length;
    slots[slot] = slotValue(hash, size);
    size += 1;
    if (size * 2L > slots.length) {
      grow();
    }
  }

  boolean contains(byte[] key, int length) {
    long hash = hash(key, length);
    int slot = (int) hash & mask;
    long found;
    while ((found = slots[slot]) != 0) {
      if (sameHash(found, hash) && equalsEntry(entry(found), key, length)) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  /** Whether the bytes {@code [start, start + length)} of {@code buffer} are a key. */
  boolean contains(ArrowBuf buffer, long start, int length) {
    long hash = hash(buffer, start, length);
    int slot = (int) hash & mask;
    long found;
    while ((found = slots[slot]) != 0) {
      if (sameHash(found, hash) && equalsEntry(entry(found), buffer, start, length)) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  private static boolean sameHash(long slotValue, long hash) {
    return ((slotValue ^ hash) & 0xffffffff00000000L) == 0;
  }

  private static int entry(long slotValue) {
    return (int) slotValue - 1;
  }

  int size() {
    return size;
  }

  /** Bytes held, for the cache's bound. */
  long bytes() {
    return arena.length + 8L * offsets.length + 8L * slots.length + 64;
  }

  static long hash(byte[] key, int length) {
    return hash(key, 0, length);
  }

  private static long hash(byte[] key, int offset, int length) {
    long h = length * K1;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = step(h, (long) LONGS.get(key, offset + i));
    }
    if (i < length) {
      long tail = 0;
      for (int j = 0; i + j < length; j++) {
        tail |= (key[offset + i + j] & 0xffL) << (8 * j);
      }
      h = step(h, tail);
    }
    return LongKeySet.mix(h);
  }

  static long hash(ArrowBuf buffer, long start, int length) {
    long h = length * K1;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = step(h, word(buffer, start + i));
    }
    if (i < length) {
      long tail = 0;
      for (int j = 0; i + j < length; j++) {
        tail |= (buffer.getByte(start + i + j) & 0xffL) << (8 * j);
      }
      h = step(h, tail);
    }
    return LongKeySet.mix(h);
  }

  private static long step(long h, long word) {
    return Long.rotateLeft(h ^ (word * K2), 31) * K1;
  }

  private static long word(ArrowBuf buffer, long index) {
    long word = buffer.getLong(index);
    return NATIVE_LITTLE_ENDIAN ? word : Long.reverseBytes(word);
  }

  private boolean equalsEntry(int entry, byte[] key, int length) {
    if (lengths[entry] != length) {
      return false;
    }
    int offset = offsets[entry];
    return Arrays.equals(arena, offset, offset + length, key, 0, length);
  }

  private boolean equalsEntry(int entry, ArrowBuf buffer, long start, int length) {
    if (lengths[entry] != length) {
      return false;
    }
    int offset = offsets[entry];
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if ((long) LONGS.get(arena, offset + i) != word(buffer, start + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (arena[offset + i] != buffer.getByte(start + i)) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    this.slots = new long[slots.length * 2];
    this.mask = slots.length - 1;
    for (int entry = 0; entry < size; entry++) {
      long hash = hash(arena, offsets[entry], lengths[entry]);
      int slot = (int) hash & mask;
      while (slots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slots[slot] = slotValue(hash, entry);
    }
  }
}
