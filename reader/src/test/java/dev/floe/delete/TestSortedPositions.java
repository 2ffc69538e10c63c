package dev.floe.delete;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongConsumer;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.junit.jupiter.api.Test;

/**
 * The deleted positions a selector binary-searches are ascending whatever order the index
 * enumerates them in: {@link PositionDeleteIndex#forEach} does not promise an order.
 */
class TestSortedPositions {
  @Test
  void positionsEnumeratedOutOfOrderAreSorted() {
    assertThat(RowSelector.sorted(new ListedIndex(90, 7, 300, 8, 0)))
        .containsExactly(0, 7, 8, 90, 300);
  }

  @Test
  void positionsEnumeratedInOrderAreKeptAsTheyAre() {
    assertThat(RowSelector.sorted(new ListedIndex(1, 2, 40, 41))).containsExactly(1, 2, 40, 41);
  }

  @Test
  void anIndexWhoseCountIsOnlyAnEstimateIsProbedRowByRow() {
    ListedIndex index =
        new ListedIndex(3, 4) {
          @Override
          public long cardinality() {
            return 5;
          }
        };
    assertThat(RowSelector.sorted(index)).isNull();
  }

  /** An index that enumerates its positions in the order given. */
  private static class ListedIndex implements PositionDeleteIndex {
    private final long[] positions;

    ListedIndex(long... positions) {
      this.positions = positions;
    }

    @Override
    public void delete(long position) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(long start, long end) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isDeleted(long position) {
      for (long deleted : positions) {
        if (deleted == position) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean isEmpty() {
      return positions.length == 0;
    }

    @Override
    public void forEach(LongConsumer consumer) {
      for (long position : positions) {
        consumer.accept(position);
      }
    }

    @Override
    public long cardinality() {
      return positions.length;
    }
  }
}
