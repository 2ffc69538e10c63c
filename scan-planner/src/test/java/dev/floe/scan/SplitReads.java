package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Plans a scan's splits and reads each one as a worker would, after a trip through Java
 * serialization or JSON, with its own handle of the table and its own {@link RootAllocator}
 * (closed, so a leaked buffer fails the test).
 */
final class SplitReads {
  private SplitReads() {}

  /** How a split reaches its worker. */
  enum Trip implements UnaryOperator<ScanSplit> {
    IN_PROCESS {
      @Override
      public ScanSplit apply(ScanSplit split) {
        return split;
      }
    },
    JAVA_SERIALIZATION {
      @Override
      public ScanSplit apply(ScanSplit split) {
        return javaRoundTrip(split);
      }
    },
    JSON {
      @Override
      public ScanSplit apply(ScanSplit split) {
        return jsonRoundTrip(split);
      }
    };
  }

  /** Every split of the scan. */
  static List<ScanSplit> plan(DataScan scan, long targetSplitBytes) {
    List<ScanSplit> splits = new ArrayList<>();
    try (CloseableIterable<ScanSplit> planned = scan.planSplits(targetSplitBytes)) {
      planned.forEach(splits::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return splits;
  }

  /** The rows of every split, each read with {@code worker} after {@code trip}, sorted. */
  static List<String> rows(List<ScanSplit> splits, Trip trip, Table worker, int batchSize) {
    List<String> rows = new ArrayList<>();
    for (ScanSplit split : splits) {
      rows.addAll(rows(trip.apply(split), worker, batchSize));
    }
    Collections.sort(rows);
    return rows;
  }

  /** The rows of one split, in the order read, after checking every batch holds 1..batchSize. */
  static List<String> rows(ScanSplit split, Table worker, int batchSize) {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = split.open(worker, batchSize, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).isBetween(1, batchSize);
        rows.addAll(Rows.fromBatch(batch, schema));
      }
    }
    return rows;
  }

  /** The split read back from its JSON, after checking the JSON is one line and stable. */
  static ScanSplit jsonRoundTrip(ScanSplit split) {
    String json = split.toJson();
    assertThat(json).doesNotContain("\n");
    ScanSplit back = ScanSplit.fromJson(json);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.tasks()).hasSameSizeAs(split.tasks());
    for (int i = 0; i < split.tasks().size(); i++) {
      assertThat(back.tasks().get(i).start()).isEqualTo(split.tasks().get(i).start());
      assertThat(back.tasks().get(i).length()).isEqualTo(split.tasks().get(i).length());
      assertThat(back.tasks().get(i).deletes()).hasSameSizeAs(split.tasks().get(i).deletes());
    }
    assertThat(back.estimatedRows()).isEqualTo(split.estimatedRows());
    assertThat(back.estimatedBytes()).isEqualTo(split.estimatedBytes());
    assertThat(back.files()).isEqualTo(split.files());
    return back;
  }

  static ScanSplit javaRoundTrip(ScanSplit split) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(split);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (ScanSplit) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
