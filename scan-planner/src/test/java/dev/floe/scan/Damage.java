package dev.floe.scan;

import dev.floe.scan.FileRegions.Region;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One seeded change to a file's bytes inside one {@link Region}: what damaged disks, interrupted
 * copies and buggy writers do to files.
 *
 * @param kind what is done
 * @param region where, in the undamaged file
 * @param at the first byte changed (or, for a truncation, the new file length)
 * @param length how many bytes are changed
 * @param seed for the changed bytes' values
 */
record Damage(Kind kind, Region region, long at, int length, long seed) {
  enum Kind {
    /** A few bits flipped. */
    BIT_FLIP,
    /** A range set to zero. */
    ZEROED_RANGE,
    /** A range of random bytes. */
    GARBAGE,
    /** A range copied over another range of the same region. */
    DUPLICATED_RANGE,
    /** The file cut inside the region. */
    TRUNCATION,
    /** Four bytes that read as a huge length or count: a varint of ~2^28, or an int of ~2^31. */
    HUGE_LENGTH
  }

  /** A damage of a random kind at a random place of {@code region}. */
  static Damage random(Region region, SplittableRandom random) {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    long size = region.length();
    long at = region.start() + random.nextLong(size);
    int length =
        switch (kind) {
          case BIT_FLIP -> 1 + random.nextInt(4);
          case ZEROED_RANGE, GARBAGE, DUPLICATED_RANGE ->
              (int) Math.min(region.end() - at, 1 + random.nextInt(64));
          case TRUNCATION -> 0;
          case HUGE_LENGTH -> (int) Math.min(region.end() - at, 4);
        };
    return new Damage(kind, region, at, length, random.nextLong());
  }

  /** The damaged copy of {@code original}. */
  byte[] apply(byte[] original) {
    SplittableRandom random = new SplittableRandom(seed);
    if (kind == Kind.TRUNCATION) {
      return Arrays.copyOf(original, (int) at);
    }
    byte[] damaged = original.clone();
    int from = (int) at;
    switch (kind) {
      case BIT_FLIP -> {
        for (int i = 0; i < length; i++) {
          int index = (int) (region.start() + random.nextLong(region.length()));
          damaged[i == 0 ? from : index] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case ZEROED_RANGE -> Arrays.fill(damaged, from, from + length, (byte) 0);
      case GARBAGE -> {
        for (int i = from; i < from + length; i++) {
          damaged[i] = (byte) random.nextInt(256);
        }
      }
      case DUPLICATED_RANGE -> {
        int source = (int) (region.start() + random.nextLong(region.length() - length + 1));
        System.arraycopy(original, source, damaged, from, length);
        if (Arrays.equals(original, damaged)) {
          damaged[from] ^= (byte) 0xFF; // a range copied onto itself changes nothing
        }
      }
      case HUGE_LENGTH -> {
        byte[] huge =
            random.nextBoolean()
                ? new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F}
                : new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
        System.arraycopy(huge, 0, damaged, from, length);
      }
      default -> throw new IllegalStateException("Unknown damage " + kind);
    }
    return damaged;
  }

  @Override
  public String toString() {
    return String.format(
        "%s in %s [%d, %d) at byte %d (%d bytes)",
        kind, region.kind(), region.start(), region.end(), at, length);
  }
}
