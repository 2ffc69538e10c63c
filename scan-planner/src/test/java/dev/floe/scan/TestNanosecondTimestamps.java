package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Format version 3's nanosecond timestamps ({@code timestamp_ns}, {@code timestamptz_ns}), written
 * by Iceberg's writers to Parquet (INT64 NANOS) and ORC (TIMESTAMP with Iceberg's nanosecond unit
 * attribute), with equality deletes: rows equal IcebergGenerics, and the vectors are Arrow's
 * nanosecond timestamps.
 */
class TestNanosecondTimestamps {
  private static final int ROWS = 3_000;
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "ts_ns", Types.TimestampNanoType.withoutZone()),
          Types.NestedField.optional(3, "tstz_ns", Types.TimestampNanoType.withZone()));
  // Edge values first: the epoch, the last nanosecond before it, the first and last whole days of
  // the int64 nanosecond range (java.time overflows on its very ends in Iceberg's writers), a 1900
  // date; ORC Java
  // reads the last second before 1970 one second late
  // (ORC-763), and Floe agrees with ORC Java there as IcebergGenerics does.
  private static final List<LocalDateTime> EDGES =
      List.of(
          LocalDateTime.of(1970, 1, 1, 0, 0),
          LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999),
          LocalDateTime.of(1969, 12, 31, 23, 59, 58, 1),
          LocalDateTime.of(2262, 4, 10, 23, 59, 59, 999_999_999),
          LocalDateTime.of(1677, 9, 22, 0, 0, 0, 1),
          LocalDateTime.of(1900, 1, 1, 12, 0, 0, 500),
          LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_789));

  private static final Schema ID_ONLY = SCHEMA.select("id");

  @TempDir static Path dir;
  private static final List<Table> TABLES = new ArrayList<>();

  @BeforeAll
  static void createTables() throws IOException {
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      TABLES.add(createTable(format));
    }
  }

  private static Table createTable(FileFormat format) throws IOException {
    String name = format.name().toLowerCase(Locale.ROOT);
    Table table =
        new HadoopTables(new Configuration())
            .create(
                SCHEMA,
                PartitionSpec.unpartitioned(),
                Map.of("format-version", "3", "write.format.default", name),
                dir.resolve(name).toString());
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(format)
            .dataSchema(table.schema())
            .deleteFileFormat(format)
            .equalityFieldIds(new int[] {1})
            .equalityDeleteRowSchema(ID_ONLY)
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).format(format).build();
    DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    Random random = new Random(20261121);
    try (data) {
      for (int id = 0; id < ROWS; id++) {
        LocalDateTime value = id < EDGES.size() ? EDGES.get(id) : randomTimestamp(random);
        Record record = GenericRecord.create(table.schema());
        record.setField("id", (long) id);
        record.setField("ts_ns", id % 13 == 5 ? null : value);
        record.setField("tstz_ns", id % 11 == 3 ? null : value.atOffset(ZoneOffset.UTC));
        data.write(record);
      }
    }
    table.newAppend().appendFile(data.toDataFile()).commit();
    EqualityDeleteWriter<Record> deletes =
        writers.newEqualityDeleteWriter(files.newOutputFile(), table.spec(), null);
    try (deletes) {
      for (long id = 0; id < ROWS; id += 17) {
        deletes.write(GenericRecord.create(ID_ONLY).copy("id", id));
      }
    }
    table.newRowDelta().addDeletes(deletes.toDeleteFile()).commit();
    return table;
  }

  private static LocalDateTime randomTimestamp(Random random) {
    long seconds = random.nextLong(-4_000_000_000L, 4_000_000_000L);
    return LocalDateTime.ofEpochSecond(seconds, random.nextInt(1_000_000_000), ZoneOffset.UTC);
  }

  private static final List<Expression> FILTERS =
      List.of(
          Expressions.alwaysTrue(),
          Expressions.greaterThan("ts_ns", "2001-09-09T01:46:40.000000001"),
          Expressions.lessThanOrEqual("tstz_ns", "1969-12-31T23:59:59.999999999+00:00"),
          Expressions.isNull("ts_ns"),
          Expressions.not(
              Expressions.and(
                  Expressions.lessThan("id", 1_500L),
                  Expressions.greaterThan("tstz_ns", "1999-12-31T23:59:59.999999999+00:00"))),
          Expressions.equal("id", 1L));

  @Test
  void planningLeavesNanosecondPredicatesToThePerRowFilter() {
    Schema schema = SCHEMA;
    Expression onNanos = Expressions.greaterThan("ts_ns", "2001-09-09T01:46:40.000000001");
    Expression onId = Expressions.lessThan("id", 10L);
    assertThat(ScanPlan.planningFilter(onId, schema, true)).isSameAs(onId);
    assertThat(ScanPlan.planningFilter(Expressions.and(onNanos, onId), schema, true).toString())
        .isEqualTo(onId.toString());
    // not(a and b) = not a or not b: dropping the nanosecond side keeps every file.
    assertThat(
            ScanPlan.planningFilter(Expressions.not(Expressions.and(onNanos, onId)), schema, true))
        .isEqualTo(Expressions.alwaysTrue());
    assertThat(ScanPlan.planningFilter(Expressions.or(onNanos, onId), schema, true))
        .isEqualTo(Expressions.alwaysTrue());
  }

  @Test
  void nanosecondTimestampsReadAsIcebergGenericsReadsThem() throws IOException {
    for (Table table : TABLES) {
      for (Expression filter : FILTERS) {
        Differential.Case scanCase = new Differential.Case(table, null, filter, null);
        for (int batchSize : new int[] {1, 7, 4096}) {
          if (table.name().contains("parquet")) {
            Differential.assertSameRows(scanCase, batchSize);
          } else {
            // IcebergGenerics cannot filter ORC on these columns (Iceberg builds no ORC search
            // argument for them and throws), so its unfiltered rows go through Iceberg's Evaluator.
            assertThat(Differential.floeRows(scanCase.floeScan(), batchSize))
                .as("%s batchSize=%d", scanCase, batchSize)
                .isEqualTo(evaluatedRows(table, filter));
          }
        }
      }
    }
  }

  /** IcebergGenerics' rows of the whole table that Iceberg's Evaluator keeps, sorted. */
  private static List<String> evaluatedRows(Table table, Expression filter) throws IOException {
    Evaluator evaluator =
        new Evaluator(
            table.schema().asStruct(), SqlSemantics.of(table.schema(), filter, true), true);
    // The Evaluator works on Iceberg's internal values (nanoseconds as longs), Records hold
    // java.time.
    InternalRecordWrapper internal = new InternalRecordWrapper(table.schema().asStruct());
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        if (evaluator.eval(internal.wrap(record))) {
          rows.add(Rows.fromRecord(record, table.schema()));
        }
      }
    }
    assertThat(rows).as("rows of %s matching %s", table.name(), filter).isNotEmpty();
    Collections.sort(rows);
    return rows;
  }

  @Test
  void vectorsAreArrowNanosecondTimestamps() throws IOException {
    for (Table table : TABLES) {
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream =
              DataScan.of(table)
                  .filter(Expressions.equal("id", 6L))
                  .toRecordBatches(10, allocator)) {
        assertThat(stream.loadNextBatch()).isTrue();
        VectorSchemaRoot root = stream.getVectorSchemaRoot();
        assertThat(root.getRowCount()).isEqualTo(1);
        TimeStampNanoVector local = (TimeStampNanoVector) root.getVector("ts_ns");
        TimeStampNanoTZVector utc = (TimeStampNanoTZVector) root.getVector("tstz_ns");
        assertThat(((ArrowType.Timestamp) utc.getField().getType()).getTimezone()).isEqualTo("UTC");
        // id 6: 2024-02-29T23:59:59.123456789
        long expected = 1_709_251_199_123_456_789L;
        assertThat(local.get(0)).as("%s ts_ns", table.name()).isEqualTo(expected);
        assertThat(utc.get(0)).as("%s tstz_ns", table.name()).isEqualTo(expected);
        assertThat(stream.loadNextBatch()).isFalse();
      }
    }
  }
}
