package dev.floe.arrow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

class TestBatchCompactor {
  @Test
  void keepsSelectedRowsInOrderWithTheirNullsForEveryVectorKind() {
    Random random = new Random(7);
    try (BufferAllocator allocator = new RootAllocator();
        BigIntVector longs = new BigIntVector("l", allocator);
        BitVector bits = new BitVector("b", allocator);
        VarCharVector strings = new VarCharVector("s", allocator);
        DecimalVector decimals = new DecimalVector("d", allocator, 20, 3);
        FixedSizeBinaryVector fixed = new FixedSizeBinaryVector("f", allocator, 4)) {
      List<FieldVector> vectors = List.of(longs, bits, strings, decimals, fixed);
      for (int round = 0; round < 50; round++) {
        int rows = 1 + random.nextInt(300);
        List<String> expected = new ArrayList<>();
        List<String> all = new ArrayList<>();
        strings.reset();
        for (int i = 0; i < rows; i++) {
          boolean isNull = random.nextInt(5) == 0;
          setRow(vectors, i, isNull ? null : random.nextLong(), random);
        }
        vectors.forEach(v -> v.setValueCount(rows));
        for (int i = 0; i < rows; i++) {
          all.add(row(vectors, i));
        }
        int[] selection = new int[rows];
        int kept = 0;
        for (int i = 0; i < rows; i++) {
          if (random.nextInt(3) != 0) {
            selection[kept++] = i;
            expected.add(all.get(i));
          }
        }
        new BatchCompactor().compact(vectors, selection, kept);
        List<String> actual = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
          actual.add(row(vectors, i));
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(longs.getValueCount()).isEqualTo(kept);
        assertThat(strings.getValueCount()).isEqualTo(kept);
      }
    }
  }

  private static void setRow(List<FieldVector> vectors, int i, Long value, Random random) {
    BigIntVector longs = (BigIntVector) vectors.get(0);
    BitVector bits = (BitVector) vectors.get(1);
    VarCharVector strings = (VarCharVector) vectors.get(2);
    DecimalVector decimals = (DecimalVector) vectors.get(3);
    FixedSizeBinaryVector fixed = (FixedSizeBinaryVector) vectors.get(4);
    if (value == null) {
      vectors.forEach(v -> v.setNull(i));
      return;
    }
    longs.setSafe(i, value);
    bits.setSafe(i, (int) (value & 1));
    byte[] text =
        ("v" + value).substring(0, 1 + random.nextInt(8)).getBytes(StandardCharsets.UTF_8);
    strings.setSafe(i, text);
    decimals.setSafe(i, value % 100_000);
    fixed.setSafe(i, new byte[] {(byte) value.longValue(), 1, 2, (byte) i});
  }

  private static String row(List<FieldVector> vectors, int i) {
    StringBuilder text = new StringBuilder();
    for (FieldVector vector : vectors) {
      Object value = vector.getObject(i);
      text.append(value instanceof byte[] ? java.util.Arrays.toString((byte[]) value) : value)
          .append('|');
    }
    return text.toString();
  }
}
