package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.reader.PredicateRewriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Runs a scan through Floe and through Iceberg's {@code IcebergGenerics} and returns both results
 * as sorted exact row texts, so a test can assert they are equal. Floe's side also checks the batch
 * contract (1..batchSize rows) and, by closing its own {@link RootAllocator}, that no buffer
 * leaked.
 */
final class Differential {
  private Differential() {}

  /** The scan to run: Floe's options plus the same options for IcebergGenerics. */
  record Case(Table table, List<String> columns, Expression filter, Long snapshotId) {
    DataScan floeScan() {
      DataScan scan = DataScan.of(table);
      if (columns != null) {
        scan = scan.select(columns.toArray(new String[0]));
      }
      if (filter != null) {
        scan = scan.filter(filter);
      }
      if (snapshotId != null) {
        scan = scan.useSnapshot(snapshotId);
      }
      return scan;
    }

    @Override
    public String toString() {
      return String.format(
          "%s cols=%s filter=%s snapshot=%s", table.name(), columns, filter, snapshotId);
    }
  }

  /** Floe's rows, sorted, after checking every batch holds 1..batchSize rows. */
  static List<String> floeRows(DataScan scan, int batchSize) {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator)) {
      Schema schema = stream.icebergSchema();
      for (VectorSchemaRoot batch : stream) {
        assertThat(batch.getRowCount()).isBetween(1, batchSize);
        rows.addAll(Rows.fromBatch(batch, schema));
      }
    }
    Collections.sort(rows);
    return rows;
  }

  /** IcebergGenerics' rows for the same scan, sorted, with the columns in Floe's output order. */
  static List<String> genericRows(Case scanCase, Schema outputSchema) {
    IcebergGenerics.ScanBuilder builder = IcebergGenerics.read(scanCase.table());
    if (scanCase.columns() != null) {
      builder = builder.select(scanCase.columns());
    }
    if (scanCase.filter() != null) {
      // Floe's filters have SQL's semantics; IcebergGenerics given the same filter with SQL's
      // null and NaN guards spelled out returns the SQL result (TestSqlNullSemantics checks the
      // rewrite against a reference of its own)
      Schema tableSchema =
          scanCase.snapshotId() == null
              ? scanCase.table().schema()
              : scanCase
                  .table()
                  .schemas()
                  .get(scanCase.table().snapshot(scanCase.snapshotId()).schemaId());
      builder = builder.where(SqlSemantics.of(tableSchema, scanCase.filter(), true));
    }
    if (scanCase.snapshotId() != null) {
      builder = builder.useSnapshot(scanCase.snapshotId());
    }
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = builder.build()) {
      for (Record record : records) {
        rows.add(Rows.fromRecord(record, outputSchema));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(rows);
    return rows;
  }

  /**
   * IcebergGenerics' rows of the whole table (at the case's snapshot) that Iceberg's {@code
   * Evaluator} keeps for the case's filter, sorted, with the columns in Floe's output order: the
   * reference where IcebergGenerics' own filtering is wrong. The filter gets SQL's null guards
   * spelled out first ({@link SqlSemantics}), as Floe's filters have SQL's semantics.
   */
  static List<String> evaluatedRows(Case scanCase, Schema outputSchema) {
    Table table = scanCase.table();
    IcebergGenerics.ScanBuilder builder = IcebergGenerics.read(table);
    Schema schema = table.schema();
    if (scanCase.snapshotId() != null) {
      builder = builder.useSnapshot(scanCase.snapshotId());
      schema = table.schemas().get(table.snapshot(scanCase.snapshotId()).schemaId());
    }
    Expression filter =
        scanCase.filter() == null
            ? Expressions.alwaysTrue()
            : SqlSemantics.of(schema, scanCase.filter(), true);
    Evaluator evaluator = new Evaluator(schema.asStruct(), new InAsEquals().rewrite(filter), true);
    // The Evaluator works on Iceberg's internal values (dates as ints, ...), Records hold
    // java.time.
    InternalRecordWrapper internal = new InternalRecordWrapper(schema.asStruct());
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = builder.build()) {
      for (Record record : records) {
        if (evaluator.eval(internal.wrap(record))) {
          rows.add(Rows.fromRecord(record, outputSchema));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(rows);
    return rows;
  }

  /**
   * Spells {@code in} / {@code notIn} as ORs of {@code equal} / ANDs of {@code notEqual}: Iceberg
   * 1.11's Evaluator throws on a null string in a set (fixed in apache/iceberg#17014), while its
   * {@code equal} is false and {@code notEqual} true for a null, which is what the fix makes sets
   * do too.
   */
  private static final class InAsEquals extends PredicateRewriter {

    @Override
    public <T> Expression predicate(UnboundPredicate<T> pred) {
      if (pred.op() != Expression.Operation.IN && pred.op() != Expression.Operation.NOT_IN) {
        return pred;
      }
      boolean in = pred.op() == Expression.Operation.IN;
      Expression result = in ? Expressions.alwaysFalse() : Expressions.alwaysTrue();
      for (Literal<T> literal : pred.literals()) {
        result =
            in
                ? Expressions.or(result, Expressions.equal(pred.term(), literal.value()))
                : Expressions.and(result, Expressions.notEqual(pred.term(), literal.value()));
      }
      return result;
    }
  }

  /** Asserts Floe returns exactly the rows IcebergGenerics does, at the given batch size. */
  static void assertSameRows(Case scanCase, int batchSize) {
    assertSameRows(scanCase, batchSize, 1);
  }

  /** The same, reading {@code parallelism} files at once. */
  static void assertSameRows(Case scanCase, int batchSize, int parallelism) {
    DataScan scan = scanCase.floeScan().parallelism(parallelism);
    Schema output = outputSchema(scan);
    List<String> expected = genericRows(scanCase, output);
    if (scanCase.filter() == null) {
      assertThat(expected).as("rows of %s (a test table must not be empty)", scanCase).isNotEmpty();
    }
    List<String> actual = floeRows(scan, batchSize);
    String description =
        String.format("%s batchSize=%d parallelism=%d", scanCase, batchSize, parallelism);
    assertThat(actual).as(description).hasSize(expected.size());
    assertThat(actual).as(description).isEqualTo(expected);
  }

  static Schema outputSchema(DataScan scan) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(1, allocator)) {
      return stream.icebergSchema();
    }
  }
}
