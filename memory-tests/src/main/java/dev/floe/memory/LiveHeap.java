package dev.floe.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The largest heap occupancy seen right after a garbage collection. It bounds from above what a
 * read needs of {@code -Xmx}: the live set, plus old-generation garbage that a young collection
 * leaves for later.
 */
final class LiveHeap {
  private final AtomicLong peak = new AtomicLong();
  private final Set<String> heapPools;

  private LiveHeap(Set<String> heapPools) {
    this.heapPools = heapPools;
  }

  /** Starts watching every collector of this JVM. */
  static LiveHeap watch() {
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    LiveHeap heap = new LiveHeap(heapPools);
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                heap.record(
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData()));
              }
            },
            null,
            null);
      }
    }
    return heap;
  }

  /** The peak live heap in bytes so far (0 if no collection ran). */
  long peakBytes() {
    return peak.get();
  }

  private void record(GarbageCollectionNotificationInfo info) {
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool :
        info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    peak.accumulateAndGet(used, Math::max);
  }
}
