package dev.floe.spark;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixture tables read on Spark executors ({@code local[2]}): the driver plans splits, Spark ships
 * them by Java serialization, each task loads the table itself and reads its split with its own
 * allocator. Through both paths — Arrow batches summarized on the executors, and a DataFrame of
 * rows — the result is the single-process Java scan's: row count, id sum and a checksum per column
 * (and, for the DataFrame, every row), with v2 position and equality deletes, v3 deletion vectors,
 * ORC, every primitive type, and a one-file table cut into one split per row group.
 */
class TestSplitsReadOnSparkExecutors {
  private static final long ONE_BYTE = 1;
  private static final long DEFAULT_TARGET = 128L << 20;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    warehouse = Warehouse.hadoop(dir);
    Catalog catalog = warehouse.catalog();
    FixtureOptions small = FixtureOptions.defaults().withRows(2_000).withRowGroupBytes(8 * 1024);
    Fixtures.deletes(catalog, id("deletes_v2_parquet"), small);
    Fixtures.deletes(catalog, id("deletes_v3_parquet"), small.withFormatVersion(3));
    Fixtures.deletes(catalog, id("deletes_v2_orc"), small.withFormat(FileFormat.ORC));
    Fixtures.allTypes(catalog, id("all_types"), small);
    // one data file of many small row groups, one row deleted by position
    Fixtures.manyFiles(
        catalog, id("one_file"), small.withRows(20_000).withRowGroupBytes(4 * 1024), 1);
    spark = LocalSpark.start(TestSplitsReadOnSparkExecutors.class);
  }

  @AfterEach
  void everyAllocatorClosed() throws InterruptedException {
    LocalSpark.assertAllocatorsClosed();
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    warehouse.close();
  }

  private static TableIdentifier id(String name) {
    return TableIdentifier.of("db", name);
  }

  private static Table table(String name) {
    return warehouse.catalog().loadTable(id(name));
  }

  private static TableSource metadataFile(Table table) {
    return TableSource.metadataFile(
        ((HasTableOperations) table).operations().current().metadataFileLocation());
  }

  @TestFactory
  Stream<DynamicTest> batchesSummarizedOnExecutorsMatchTheJavaScan() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : List.of("deletes_v2_parquet", "deletes_v3_parquet", "deletes_v2_orc")) {
      for (long target : new long[] {ONE_BYTE, DEFAULT_TARGET}) {
        tests.add(
            DynamicTest.dynamicTest(
                name + " target " + target,
                () -> {
                  Table table = table(name);
                  assertSummaryMatches(DataScan.of(table), metadataFile(table), target);
                  DataScan filtered =
                      DataScan.of(table)
                          .select("id", "qty", "note")
                          .filter(Expressions.lessThan("qty", 500));
                  assertSummaryMatches(filtered, TableSource.of(table), target);
                }));
      }
    }
    return tests.stream();
  }

  @Test
  void oneFileOfManyRowGroupsIsReadAsOneSplitPerRowGroup() throws InterruptedException {
    Table table = table("one_file");
    DataScan scan = DataScan.of(table);
    JavaRDD<ScanSplit> splits = FloeSpark.splits(LocalSpark.context(spark), scan, ONE_BYTE);
    List<ScanSplit> shipped = splits.collect();
    assertThat(shipped).hasSizeGreaterThanOrEqualTo(8);
    assertThat(splits.getNumPartitions()).isEqualTo(shipped.size());
    assertThat(shipped.stream().flatMap(split -> split.files().stream()).distinct()).hasSize(1);
    assertSummaryMatches(scan, TableSource.of(table), ONE_BYTE);
    assertRowsMatch(scan, TableSource.of(table), ONE_BYTE);
  }

  @TestFactory
  Stream<DynamicTest> dataFrameRowsAreTheJavaScansRows() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : List.of("deletes_v2_parquet", "deletes_v3_parquet", "deletes_v2_orc")) {
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                Table table = table(name);
                assertRowsMatch(DataScan.of(table), metadataFile(table), ONE_BYTE);
                assertRowsMatch(
                    DataScan.of(table).withMetadataColumns("_file", "_pos"),
                    metadataFile(table),
                    DEFAULT_TARGET);
              }));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "all_types, every primitive type Spark holds",
            () -> {
              Table table = table("all_types");
              List<String> columns =
                  table.schema().columns().stream()
                      .map(column -> column.name())
                      .filter(name -> !name.equals("tm"))
                      .collect(Collectors.toList());
              DataScan scan = DataScan.of(table).select(columns.toArray(new String[0]));
              assertRowsMatch(scan, TableSource.of(table), ONE_BYTE);
            }));
    return tests.stream();
  }

  @Test
  void dataFrameAggregatesInSparkAsTheJavaScanCounts() {
    Table table = table("deletes_v3_parquet");
    DataScan scan = DataScan.of(table);
    Summary expected = javaSummary(scan);
    Row totals =
        FloeSpark.read(spark, scan, TableSource.of(table), ONE_BYTE)
            .agg(count("*"), sum("id"))
            .first();
    assertThat(totals.getLong(0)).isEqualTo(expected.rows());
    assertThat(totals.getLong(1)).isEqualTo(expected.idSum());
  }

  /** The README's example, on the demo's kind of table. */
  @Test
  void theReadmeExampleRuns() {
    Table table = table("deletes_v2_parquet");
    DataScan scan =
        DataScan.of(table)
            .select("id", "category", "qty", "amount")
            .filter(Expressions.greaterThan("qty", 25));
    TableSource source = TableSource.of(table);

    Dataset<Row> rows = FloeSpark.read(spark, scan, source, 128L << 20);
    List<Row> sums = rows.groupBy("category").agg(sum("amount")).collectAsList();

    JavaRDD<ScanSplit> splits =
        FloeSpark.splits(JavaSparkContext.fromSparkContext(spark.sparkContext()), scan, 128L << 20);
    long count =
        FloeSpark.mapBatches(splits, source, 10_000, batch -> (long) batch.getRowCount())
            .fold(0L, Long::sum);

    assertThat(count).isEqualTo(javaSummary(scan).rows()).isPositive();
    assertThat(sums).hasSize(4); // alpha, beta, gamma and the null category
  }

  @Test
  void typesSparkCannotHoldFailOnTheDriver() {
    Table table = table("all_types");
    assertThatThrownBy(
            () -> FloeSpark.read(spark, DataScan.of(table), TableSource.of(table), ONE_BYTE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tm'")
        .hasMessageContaining("time");
  }

  @Test
  void aTaskStoppedEarlyReleasesItsMemory() {
    Table table = table("one_file");
    // take() finishes each task after a few rows; its allocator is closed by the task completion
    // listener, and a leak there would fail the task and so the job.
    List<Row> rows =
        FloeSpark.read(spark, DataScan.of(table), TableSource.of(table), ONE_BYTE).takeAsList(5);
    assertThat(rows).hasSize(5);
  }

  @Test
  void aBufferKeptPastItsBatchFailsTheTask() {
    Table table = table("one_file");
    JavaRDD<ScanSplit> splits =
        FloeSpark.splits(LocalSpark.context(spark), DataScan.of(table), DEFAULT_TARGET);
    JavaRDD<Integer> leaking =
        FloeSpark.mapBatches(
            splits,
            TableSource.of(table),
            1000,
            batch -> {
              batch.getVector(0).getDataBuffer().getReferenceManager().retain();
              return batch.getRowCount();
            });
    assertThatThrownBy(leaking::count)
        .hasStackTraceContaining("Cannot close the Arrow memory of Spark partition")
        .hasStackTraceContaining("Memory was leaked");
  }

  private static void assertSummaryMatches(DataScan scan, TableSource source, long target)
      throws InterruptedException {
    Summary expected = javaSummary(scan);
    assertThat(expected.rows()).isPositive();
    Schema schema = outputSchema(scan);
    JavaRDD<ScanSplit> splits = FloeSpark.splits(LocalSpark.context(spark), scan, target);
    Summary actual =
        FloeSpark.mapBatches(splits, source, 333, batch -> Summary.of(batch, schema))
            .reduce(Summary::plus);
    assertThat(actual)
        .as("%s at target %d, %d splits", scan.table().name(), target, splits.getNumPartitions())
        .isEqualTo(expected);
    LocalSpark.assertAllocatorsClosed();
  }

  private static void assertRowsMatch(DataScan scan, TableSource source, long target)
      throws InterruptedException {
    List<String> expected = javaRows(scan);
    Dataset<Row> frame = FloeSpark.read(spark, scan, source, target);
    List<Row> collected = frame.collectAsList();
    List<String> actual = new ArrayList<>();
    collected.forEach(row -> actual.add(Values.row(Values.fromRow(row))));
    Collections.sort(actual);
    String description = String.format("%s at target %d", scan.table().name(), target);
    assertThat(actual).as(description).hasSize(expected.size());
    assertThat(actual).as(description).isEqualTo(expected);
    assertThat(Summary.of(collected, frame.schema().size())).isEqualTo(javaSummary(scan));
    LocalSpark.assertAllocatorsClosed();
  }

  private static Schema outputSchema(DataScan scan) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(1, allocator)) {
      return stream.icebergSchema();
    }
  }

  private static Summary javaSummary(DataScan scan) {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(1000, allocator)) {
      Summary summary = Summary.empty(stream.icebergSchema().columns().size());
      for (VectorSchemaRoot batch : stream) {
        summary = summary.plus(Summary.of(batch, stream.icebergSchema()));
      }
      return summary;
    }
  }

  private static List<String> javaRows(DataScan scan) {
    List<String> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(1000, allocator)) {
      for (VectorSchemaRoot batch : stream) {
        rows.addAll(Values.rows(batch, stream.icebergSchema()));
      }
    }
    Collections.sort(rows);
    return rows;
  }
}
