package dev.floe.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.spark.sql.Row;

/**
 * What a job computes from the rows without keeping them: the row count, the sum of the ids, and
 * per column an order-independent checksum (the sum of a 64-bit hash of each value's {@link
 * Values#text}). Equal summaries mean, but for a hash collision, equal multisets of values per
 * column.
 *
 * @param checksums one per output column, in order
 */
record Summary(long rows, long idSum, List<Long> checksums) implements Serializable {
  Summary {
    checksums = List.copyOf(checksums);
  }

  static Summary empty(int columns) {
    return new Summary(0, 0, Collections.nCopies(columns, 0L));
  }

  /** The summary of one batch whose first column is the {@code id}. */
  static Summary of(VectorSchemaRoot batch, Schema schema) {
    int columns = schema.columns().size();
    long[] sums = new long[columns];
    long idSum = 0;
    BigIntVector ids = (BigIntVector) batch.getVector("id");
    for (int row = 0; row < batch.getRowCount(); row++) {
      idSum += ids.get(row);
      List<Object> values = Values.fromArrow(batch, row, schema);
      for (int column = 0; column < columns; column++) {
        sums[column] += hash(Values.text(values.get(column)));
      }
    }
    return new Summary(batch.getRowCount(), idSum, list(sums));
  }

  /** The summary of Spark rows whose field {@code id} is the id. */
  static Summary of(List<Row> rows, int columns) {
    long[] sums = new long[columns];
    long idSum = 0;
    for (Row row : rows) {
      idSum += row.<Long>getAs("id");
      List<Object> values = Values.fromRow(row);
      for (int column = 0; column < columns; column++) {
        sums[column] += hash(Values.text(values.get(column)));
      }
    }
    return new Summary(rows.size(), idSum, list(sums));
  }

  Summary plus(Summary other) {
    List<Long> sums = new ArrayList<>(checksums.size());
    for (int i = 0; i < checksums.size(); i++) {
      sums.add(checksums.get(i) + other.checksums.get(i));
    }
    return new Summary(rows + other.rows, idSum + other.idSum, sums);
  }

  private static List<Long> list(long[] sums) {
    List<Long> list = new ArrayList<>(sums.length);
    for (long sum : sums) {
      list.add(sum);
    }
    return list;
  }

  /** FNV-1a, 64 bits, then a murmur3 finalizer so sums of similar texts spread. */
  private static long hash(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    return hash;
  }
}
