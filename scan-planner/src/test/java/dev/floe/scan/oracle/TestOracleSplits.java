package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.export.CanonicalJson;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import dev.floe.scan.ScanSplit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The Spark-written oracle tables read as splits, at a target smaller than a row group (one split
 * per row group / stripe) and at Iceberg's default target: the rows of all splits, each read with a
 * fresh handle of the table after a trip through Java serialization (and again through JSON), are
 * exactly the rows Spark read back, every column (nested ones too).
 */
class TestOracleSplits {
  private static final long[] TARGETS = {1, TableProperties.SPLIT_SIZE_DEFAULT};

  @TestFactory
  Stream<DynamicTest> splitsHoldExactlySparksRows() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : List.of("v2_parquet_posdel", "v3_orc_dv", "types")) {
      for (long target : TARGETS) {
        tests.add(
            DynamicTest.dynamicTest(
                name + " target " + target, () -> assertSplitsMatchSpark(name, target)));
      }
    }
    return tests.stream();
  }

  private static void assertSplitsMatchSpark(String name, long target) throws Exception {
    Oracle oracle = Oracle.load(name);
    Table table = oracle.table();
    List<String> columns =
        table.schema().columns().stream().map(Types.NestedField::name).collect(Collectors.toList());
    DataScan scan = DataScan.of(table).select(columns.toArray(new String[0]));
    List<ScanSplit> splits = new ArrayList<>();
    try (CloseableIterable<ScanSplit> planned = scan.planSplits(target)) {
      planned.forEach(splits::add);
    }
    if (target == 1) {
      assertThat(splits).as("one split per row group / stripe").hasSize(rowGroups(table));
    }
    Table worker = oracle.table();
    List<IdLine> rows = new ArrayList<>();
    for (ScanSplit split : splits) {
      rows.addAll(read(javaRoundTrip(split), worker));
    }
    List<IdLine> fromJson = new ArrayList<>();
    for (ScanSplit split : splits) {
      fromJson.addAll(read(ScanSplit.fromJson(split.toJson()), worker));
    }
    fromJson.sort(Comparator.comparingLong(IdLine::id));
    assertThat(fromJson).as("rows of the splits read back from JSON").isEqualTo(sorted(rows));
    rows = sorted(rows);
    List<String> actual = rows.stream().map(IdLine::line).collect(Collectors.toList());
    List<String> expected =
        oracle.expectedLines().stream()
            .map(JsonLine::members)
            .map((Map<String, String> members) -> JsonLine.project(members, columns))
            .collect(Collectors.toList());
    assertThat(FloeLines.differences(expected, actual))
        .as("differences from Spark, %d splits", splits.size())
        .isEmpty();
    assertThat(actual).hasSize(oracle.meta().get("row_count").asInt());
  }

  private static List<IdLine> sorted(List<IdLine> rows) {
    List<IdLine> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(IdLine::id));
    return sorted;
  }

  private static int rowGroups(Table table) throws IOException {
    int rowGroups = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        rowGroups += task.file().splitOffsets().size();
      }
    }
    return rowGroups;
  }

  private static List<IdLine> read(ScanSplit split, Table worker) {
    List<IdLine> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = split.open(worker, 1000, allocator)) {
      CanonicalJson json = CanonicalJson.forSchema(stream.icebergSchema());
      for (VectorSchemaRoot batch : stream) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int row = 0; row < batch.getRowCount(); row++) {
          rows.add(new IdLine(ids.get(row), json.line(batch, row)));
        }
      }
    }
    return rows;
  }

  private static ScanSplit javaRoundTrip(ScanSplit split) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(split);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ScanSplit) in.readObject();
    }
  }

  private record IdLine(long id, String line) {}
}
