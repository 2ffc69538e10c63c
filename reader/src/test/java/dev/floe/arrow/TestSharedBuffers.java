package dev.floe.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedBuffers} sees references a consumer keeps to a vector's buffers, whether taken for
 * the vector's own allocator or another one, and sees them go when the consumer lets go.
 */
class TestSharedBuffers {
  @Test
  void aVectorAloneIsNotHeldElsewhere() {
    try (BufferAllocator allocator = new RootAllocator();
        IntVector ints = new IntVector("i", allocator);
        VarCharVector strings = new VarCharVector("s", allocator)) {
      assertThat(SharedBuffers.isHeldElsewhere(ints)).as("unallocated").isFalse();
      fill(ints, strings);
      assertThat(SharedBuffers.isHeldElsewhere(ints)).isFalse();
      assertThat(SharedBuffers.isHeldElsewhere(strings)).isFalse();
      assertThat(SharedBuffers.releaseIfHeldElsewhere(strings)).isFalse();
      assertThat(strings.getObject(2).toString()).isEqualTo("value 2");
    }
  }

  @Test
  void aReferenceForTheSameAllocatorIsSeenUntilReleased() {
    try (BufferAllocator allocator = new RootAllocator();
        IntVector ints = new IntVector("i", allocator);
        VarCharVector strings = new VarCharVector("s", allocator)) {
      fill(ints, strings);
      ArrowBuf data = strings.getDataBuffer();
      data.getReferenceManager().retain();
      assertThat(SharedBuffers.isHeldElsewhere(strings)).isTrue();
      assertThat(SharedBuffers.isHeldElsewhere(ints)).isFalse();
      data.getReferenceManager().release();
      assertThat(SharedBuffers.isHeldElsewhere(strings)).isFalse();
    }
  }

  @Test
  void aReferenceForAnotherAllocatorIsSeenAndTheMemoryOutlivesTheVector() {
    try (BufferAllocator root = new RootAllocator();
        BufferAllocator streams = root.newChildAllocator("stream", 0, Long.MAX_VALUE);
        BufferAllocator consumer = root.newChildAllocator("consumer", 0, Long.MAX_VALUE)) {
      IntVector ints = new IntVector("i", streams);
      VarCharVector strings = new VarCharVector("s", streams);
      fill(ints, strings);
      ArrowBuf kept =
          ints.getDataBuffer().getReferenceManager().retain(ints.getDataBuffer(), consumer);
      assertThat(SharedBuffers.isHeldElsewhere(ints)).isTrue();
      assertThat(SharedBuffers.releaseIfHeldElsewhere(ints)).isTrue();
      assertThat(ints.getValueCapacity()).as("buffers dropped").isZero();
      assertThat(kept.getInt(4L * 3)).as("the consumer's copy of value 3").isEqualTo(30);
      ints.setSafe(0, 99); // fresh buffers
      assertThat(kept.getInt(0)).isEqualTo(0);
      kept.getReferenceManager().release();
      ints.close();
      strings.close();
    }
  }

  @Test
  void anUnloadedBatchHoldsEveryVector() {
    try (BufferAllocator allocator = new RootAllocator();
        IntVector ints = new IntVector("i", allocator);
        VarCharVector strings = new VarCharVector("s", allocator)) {
      fill(ints, strings);
      VectorSchemaRoot root = VectorSchemaRoot.of(ints, strings);
      try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
        assertThat(SharedBuffers.isHeldElsewhere(ints)).isTrue();
        assertThat(SharedBuffers.isHeldElsewhere(strings)).isTrue();
      }
      assertThat(SharedBuffers.isHeldElsewhere(ints)).isFalse();
      assertThat(SharedBuffers.isHeldElsewhere(strings)).isFalse();
    }
  }

  private static void fill(IntVector ints, VarCharVector strings) {
    ints.allocateNew(10);
    strings.allocateNew(10);
    for (int i = 0; i < 10; i++) {
      ints.set(i, i * 10);
      strings.setSafe(i, ("value " + i).getBytes(StandardCharsets.UTF_8));
    }
    ints.setValueCount(10);
    strings.setValueCount(10);
  }
}
