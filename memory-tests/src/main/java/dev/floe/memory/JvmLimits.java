package dev.floe.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memory limits a child JVM runs under: {@code -Xmx}, {@code -XX:MaxDirectMemorySize} and the
 * limit of the Arrow {@code RootAllocator} the read allocates from.
 *
 * <p>With {@code preTouchHeap} the child also gets {@code -XX:+AlwaysPreTouch}, so the whole heap
 * is resident from the start. A JVM's RSS otherwise includes only the heap pages the collector has
 * touched so far, which depends on how long the read ran and on how G1 sized its young generation
 * under the machine's load (we measured +-10% between identical runs on a busy 2-core machine).
 * Pre-touched, RSS is the steady state a long-running worker reaches anyway, and any growth is
 * off-heap (direct buffers, native decoders, metaspace): exactly where an unbounded reader would
 * show. Heap growth cannot hide: past {@code -Xmx} it is an OutOfMemoryError.
 */
public record JvmLimits(
    long heapBytes, long directBytes, long allocatorBytes, boolean preTouchHeap) {
  private static final long MIB = 1024 * 1024;

  public JvmLimits {
    if (heapBytes < 16 * MIB || directBytes < MIB || allocatorBytes < MIB) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid limits: heap %d, direct %d, allocator %d bytes, expected >= 16 MiB, 1"
                  + " MiB, 1 MiB",
              heapBytes, directBytes, allocatorBytes));
    }
    if (allocatorBytes > directBytes) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid allocator limit: %d, expected <= the direct memory limit %d",
              allocatorBytes, directBytes));
    }
  }

  /** Limits in MiB, heap pre-touched. */
  public static JvmLimits preTouchedMib(long heapMib, long directMib, long allocatorMib) {
    return new JvmLimits(heapMib * MIB, directMib * MIB, allocatorMib * MIB, true);
  }

  /** Limits in MiB, heap touched only as the JVM uses it (RSS then shows what a read needed). */
  public static JvmLimits ofMib(long heapMib, long directMib, long allocatorMib) {
    return new JvmLimits(heapMib * MIB, directMib * MIB, allocatorMib * MIB, false);
  }

  /** The JVM flags that impose these limits. */
  List<String> jvmFlags() {
    List<String> flags = new ArrayList<>();
    flags.add("-Xmx" + heapBytes / 1024 + "k");
    flags.add("-XX:MaxDirectMemorySize=" + directBytes / 1024 + "k");
    if (preTouchHeap) {
      flags.add("-Xms" + heapBytes / 1024 + "k");
      flags.add("-XX:+AlwaysPreTouch");
    }
    return flags;
  }

  /** "-Xmx128m" or "-Xmx128m pre-touched". */
  public String heapLabel() {
    return "-Xmx" + heapBytes / MIB + "m" + (preTouchHeap ? " pre-touched" : "");
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "-Xmx%dm%s, direct %dm, Arrow allocator %dm",
        heapBytes / MIB,
        preTouchHeap ? " (pre-touched)" : "",
        directBytes / MIB,
        allocatorBytes / MIB);
  }
}
