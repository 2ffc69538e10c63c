package dev.floe.delete;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.arrow.RowView;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/**
 * The row filter on null values: {@code in} never matches a null and {@code notIn} always does, as
 * {@code equal} / {@code notEqual} do, for strings too (where Iceberg 1.11's Evaluator throws).
 */
class TestRowSelectorNulls {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "s", Types.StringType.get()),
          Types.NestedField.optional(2, "i", Types.IntegerType.get()));

  @Test
  void inAndNotInTreatNullAsInNoSet() {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector strings = new VarCharVector("s", allocator);
        IntVector ints = new IntVector("i", allocator)) {
      String[] values = {null, "eu", "x"};
      for (int row = 0; row < values.length; row++) {
        if (values[row] == null) {
          strings.setNull(row);
          ints.setNull(row);
        } else {
          strings.setSafe(row, values[row].getBytes(StandardCharsets.UTF_8));
          ints.setSafe(row, row);
        }
      }
      strings.setValueCount(values.length);
      ints.setValueCount(values.length);
      RowView rows = new RowView(SCHEMA.asStruct(), List.<FieldVector>of(strings, ints));

      assertThat(selected(Expressions.in("s", "eu", "us"), rows)).containsExactly(1);
      assertThat(selected(Expressions.notIn("s", "eu", "us"), rows)).containsExactly(0, 2);
      assertThat(selected(Expressions.not(Expressions.in("s", "eu")), rows)).containsExactly(0, 2);
      assertThat(selected(Expressions.or(Expressions.in("s", "x"), Expressions.in("i", 1)), rows))
          .containsExactly(1, 2);
      assertThat(selected(Expressions.notIn("i", 1), rows)).containsExactly(0, 2);
      assertThat(selected(Expressions.notEqual("s", "eu"), rows)).containsExactly(0, 2);
    }
  }

  private static int[] selected(Expression filter, RowView rows) {
    RowSelector selector =
        RowSelector.load(
            "f.parquet", List.of(), SCHEMA, SCHEMA, filter, true, new InMemoryFileIO());
    int[] selection = new int[3];
    int kept = selector.select(rows, 3, 0, selection);
    return Arrays.copyOf(selection, kept);
  }
}
