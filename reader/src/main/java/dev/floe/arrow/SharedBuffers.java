package dev.floe.arrow;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferLedger;
import org.apache.arrow.memory.LowCostIdentityHashMap;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.vector.FieldVector;

/**
 * Tells whether a batch handed out by reference is still held by its consumer, so that the next
 * batch is decoded into fresh buffers instead of overwriting it.
 *
 * <p>A consumer may keep a batch without copying it. The Arrow C data interface ({@code
 * Data.exportArrayStream}, and through it pyarrow's {@code read_all()}, DuckDB, Polars) retains
 * every exported buffer until the consumer releases it; a {@code TransferPair} or {@code
 * VectorUnloader} does the same. Arrow counts such references in two places: on the buffer's
 * ledger, when the reference is taken for the same allocator, and as an extra ledger of the same
 * memory, when it is taken for another allocator (the usual case: the consumer exports with its own
 * allocator, the stream's vectors live in the stream's child allocator). A buffer is held elsewhere
 * if either count exceeds what the vector itself holds.
 *
 * <p>Arrow Java has no public accessor for the second count, so it is read by reflection from the
 * allocation manager. Should a future Arrow version move that field, every buffer counts as held:
 * batches are then always decoded into fresh buffers (correct, and what Arrow's own stream readers
 * do), only without the reuse.
 */
public final class SharedBuffers {
  private static final Field LEDGERS = ledgersField();

  private SharedBuffers() {}

  /**
   * Drops the vector's references to its buffers if anyone else holds one of them; the next write
   * then allocates fresh buffers, and the memory stays alive for the other holder.
   *
   * @return true if the vector's buffers were released
   */
  public static boolean releaseIfHeldElsewhere(FieldVector vector) {
    if (!isHeldElsewhere(vector)) {
      return false;
    }
    vector.clear();
    return true;
  }

  /** Whether a buffer of {@code vector} or of its children is referenced from outside it. */
  public static boolean isHeldElsewhere(FieldVector vector) {
    List<ArrowBuf> buffers = new ArrayList<>(3);
    collectBuffers(vector, buffers);
    for (ArrowBuf buffer : buffers) {
      ReferenceManager reference = buffer.getReferenceManager();
      if (reference == ReferenceManager.NO_OP) {
        continue; // the shared empty buffer of an unallocated vector
      }
      // Buffers sliced from one allocation (a fixed-width vector's validity and values) share a
      // ledger and hold one reference each.
      int own = 0;
      for (ArrowBuf other : buffers) {
        if (other.getReferenceManager() == reference) {
          own++;
        }
      }
      if (reference.getRefCount() > own || otherLedgers(reference)) {
        return true;
      }
    }
    return false;
  }

  private static boolean otherLedgers(ReferenceManager reference) {
    if (LEDGERS == null || !(reference instanceof BufferLedger)) {
      return true;
    }
    AllocationManager manager = ((BufferLedger) reference).getAllocationManager();
    try {
      return ((LowCostIdentityHashMap<?, ?>) LEDGERS.get(manager)).size() > 1;
    } catch (IllegalAccessException | RuntimeException e) {
      return true;
    }
  }

  private static void collectBuffers(FieldVector vector, List<ArrowBuf> buffers) {
    buffers.addAll(vector.getFieldBuffers());
    for (FieldVector child : vector.getChildrenFromFields()) {
      collectBuffers(child, buffers);
    }
  }

  private static Field ledgersField() {
    try {
      Field field = AllocationManager.class.getDeclaredField("map");
      if (!LowCostIdentityHashMap.class.isAssignableFrom(field.getType())) {
        return null;
      }
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException | RuntimeException e) {
      return null;
    }
  }
}
