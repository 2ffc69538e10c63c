package dev.floe.delete;

/**
 * A set of long keys, with open addressing and linear probing over a table at most half full. The
 * keys are mixed (murmur3's finalizer) before they pick a slot, so sequential ids and ids that
 * differ only in their high bits spread evenly. Built once, then read by any number of threads.
 */
final class LongKeySet {
  private static final int MIN_CAPACITY = 16;

  private long[] slots;
  private int mask;
  private int size;
  // 0 marks an empty slot, so the key 0 is kept apart
  private boolean containsZero;

  LongKeySet(int expected) {
    int capacity = MIN_CAPACITY;
    while (capacity < expected * 2L && capacity < (1 << 30)) {
      capacity <<= 1;
    }
    this.slots = new long[capacity];
    this.mask = capacity - 1;
  }

  static long mix(long key) {
    long h = key;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  void add(long key) {
    if (key == 0) {
      if (!containsZero) {
        containsZero = true;
        size += 1;
      }
      return;
    }
    int slot = (int) mix(key) & mask;
    while (slots[slot] != 0) {
      if (slots[slot] == key) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = key;
    size += 1;
    if (size * 2L > slots.length) {
      grow();
    }
  }

  boolean contains(long key) {
    if (key == 0) {
      return containsZero;
    }
    long[] table = slots;
    int slot = (int) mix(key) & mask;
    long found;
    while ((found = table[slot]) != 0) {
      if (found == key) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
    return false;
  }

  int size() {
    return size;
  }

  /** Bytes of the table, for the cache's bound. */
  long bytes() {
    return 8L * slots.length + 16;
  }

  private void grow() {
    long[] old = slots;
    this.slots = new long[old.length * 2];
    this.mask = slots.length - 1;
    for (long key : old) {
      if (key != 0) {
        int slot = (int) mix(key) & mask;
        while (slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slots[slot] = key;
      }
    }
  }
}
