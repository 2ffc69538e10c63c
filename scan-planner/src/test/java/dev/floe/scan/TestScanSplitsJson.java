package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.ScanTaskParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON form of a split: one line built from Iceberg's parsers that reads back into a split with
 * the same tasks, ranges, deletes and rows; a known format version; clear errors for text that is
 * not a split; and delete files of another partition spec than their data file's, which Iceberg's
 * task parser cannot write.
 */
class TestScanSplitsJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "category", Types.StringType.get()),
          Types.NestedField.optional(3, "name", Types.StringType.get()));

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table deletes;

  @BeforeAll
  static void createTable() {
    warehouse = Warehouse.hadoop(dir);
    deletes =
        Fixtures.deletes(
            warehouse.catalog(),
            TableIdentifier.of("db", "deletes"),
            FixtureOptions.defaults().withRows(2_000).withRowGroupBytes(2048));
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  @Test
  void theJsonNamesItsVersionTableSnapshotAndScan() throws IOException {
    DataScan scan =
        DataScan.of(deletes)
            .select("id", "qty")
            .filter(Expressions.lessThan("qty", 500))
            .withMetadataColumns("_file", "_pos")
            .caseSensitive(false);
    ScanSplit split = SplitReads.plan(scan, 1).get(3);
    JsonNode node = JSON.readTree(split.toJson());
    assertThat(node.get("format-version").asInt()).isEqualTo(1);
    assertThat(node.get("table-uuid").asText()).isEqualTo(deletes.uuid().toString());
    assertThat(node.get("table-name").asText()).isEqualTo(deletes.name());
    assertThat(node.get("snapshot-id").asLong()).isEqualTo(deletes.currentSnapshot().snapshotId());
    assertThat(node.get("case-sensitive").asBoolean()).isFalse();
    assertThat(node.get("projection").get("fields").findValuesAsText("name"))
        .containsExactly("id", "qty");
    assertThat(node.get("filter").get("type").asText()).isEqualTo("lt");
    assertThat(node.get("metadata-columns").toString()).isEqualTo("[\"_file\",\"_pos\"]");
    JsonNode task = node.get("tasks").get(0);
    assertThat(task.get("task-type").asText()).isEqualTo("file-scan-task");
    assertThat(task.get("start").asLong()).isEqualTo(split.tasks().get(0).start());
    assertThat(task.get("length").asLong()).isEqualTo(split.tasks().get(0).length());
    assertThat(task.get("data-file").get("file-path").asText()).isEqualTo(split.files().get(0));
  }

  @Test
  void aSplitReadBackFromJsonReadsTheSameRows() {
    DataScan scan = DataScan.of(deletes).withMetadataColumns("_pos", "_file", "_spec_id");
    for (ScanSplit split : SplitReads.plan(scan, 1)) {
      ScanSplit back = SplitReads.jsonRoundTrip(split);
      assertThat(SplitReads.rows(back, deletes, 64)).isEqualTo(SplitReads.rows(split, deletes, 64));
      // and Java serialization of what JSON gave
      assertThat(SplitReads.rows(SplitReads.javaRoundTrip(back), deletes, 64))
          .isEqualTo(SplitReads.rows(split, deletes, 64));
    }
  }

  @Test
  void anotherFormatVersionIsRefused() throws IOException {
    ScanSplit split = SplitReads.plan(DataScan.of(deletes), 1L << 30).get(0);
    ObjectNode node = (ObjectNode) JSON.readTree(split.toJson());
    node.put("format-version", 2);
    assertThatThrownBy(() -> ScanSplit.fromJson(node.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid split format version: 2, expected 1");
  }

  @Test
  void textThatIsNotASplitIsRefused() {
    for (String text : List.of("", "nope", "[1,2]", "{}", "{\"format-version\":1}")) {
      assertThatThrownBy(() -> ScanSplit.fromJson(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid split");
    }
  }

  /**
   * A table partitioned by category, then unpartitioned: an equality delete written under the
   * unpartitioned spec applies to the data files of both specs.
   */
  @Test
  void deletesOfAnotherSpecThanTheirDataFilesTravelInJson() throws IOException {
    Table table =
        warehouse
            .catalog()
            .createTable(
                TableIdentifier.of("db", "respecified"),
                SCHEMA,
                PartitionSpec.builderFor(SCHEMA).identity("category").build(),
                Map.of(TableProperties.FORMAT_VERSION, "2"));
    append(table, 0, "alpha");
    append(table, 100, "beta");
    table.updateSpec().removeField("category").commit();
    append(table, 200, null);
    deleteNames(table, "name-3", "name-7");
    table.refresh();

    DataScan scan = DataScan.of(table).withMetadataColumns("_file", "_pos");
    List<ScanSplit> splits = SplitReads.plan(scan, 1);
    ScanSplit withOtherSpecDeletes =
        splits.stream()
            .filter(
                split ->
                    split.tasks().stream()
                        .anyMatch(
                            task ->
                                task.deletes().stream()
                                    .anyMatch(delete -> delete.specId() != task.file().specId())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no task with a delete file of another spec"));
    List<String> expected = Differential.floeRows(scan, 100);
    assertThat(expected).hasSize(300 - 3 * 20); // names cycle through name-0 .. name-9
    for (SplitReads.Trip trip : SplitReads.Trip.values()) {
      assertThat(SplitReads.rows(splits, trip, table, 100)).as("%s", trip).isEqualTo(expected);
    }
    FileScanTask crossSpec = withOtherSpecDeletes.tasks().get(0);
    // the reason for "delete-specs": Iceberg's task parser writes deletes with the data file's spec
    assertThatThrownBy(() -> ScanTaskParser.toJson(crossSpec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid partition spec id");
    String json = withOtherSpecDeletes.toJson();
    assertThat(JSON.readTree(json).has("delete-specs")).isTrue();
    // read back, written again, read back: the same
    ScanSplit twice = ScanSplit.fromJson(ScanSplit.fromJson(json).toJson());
    assertThat(twice.toJson()).isEqualTo(json);
  }

  /**
   * Iceberg's parsers cannot write a data file of a v1 spec whose fields were all removed (void
   * transforms, unpartitioned, yet with a partition tuple): the JSON fails with a clear message,
   * and the split still travels by Java serialization.
   */
  @Test
  void aFileOfAnAllVoidSpecFailsInJsonButTravelsByJavaSerialization() throws IOException {
    Table table =
        warehouse
            .catalog()
            .createTable(
                TableIdentifier.of("db", "voided"),
                SCHEMA,
                PartitionSpec.builderFor(SCHEMA).identity("category").build(),
                Map.of(TableProperties.FORMAT_VERSION, "1"));
    append(table, 0, "alpha");
    table.updateSpec().removeField("category").commit();
    assertThat(table.spec().isPartitioned()).isFalse();
    append(table, 100, null);
    table.refresh();
    List<ScanSplit> splits = SplitReads.plan(DataScan.of(table), 1);
    assertThat(splits).hasSize(2);
    ScanSplit voided =
        splits.stream()
            .filter(split -> split.tasks().get(0).file().specId() == 1)
            .findFirst()
            .orElseThrow();
    assertThatThrownBy(voided::toJson)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Cannot write a split of table " + table.name() + " as JSON")
        .hasMessageContaining(voided.files().get(0))
        .hasMessageContaining("Java serialization");
    assertThat(SplitReads.rows(splits, SplitReads.Trip.JAVA_SERIALIZATION, table, 100))
        .isEqualTo(Differential.floeRows(DataScan.of(table), 100));
  }

  private static void append(Table table, long firstId, String category) throws IOException {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, firstId).build();
    DataWriter<Record> data =
        writers.newDataWriter(
            files.newOutputFile(),
            table.spec(),
            table.spec().isPartitioned() ? partitionOf(table, category) : null);
    try (data) {
      for (long id = firstId; id < firstId + 100; id++) {
        Record record = GenericRecord.create(table.schema());
        record.setField("id", id);
        record.setField("category", category);
        record.setField("name", "name-" + (id % 10));
        data.write(record);
      }
    }
    DataFile file = data.toDataFile();
    table.newAppend().appendFile(file).commit();
  }

  private static PartitionKey partitionOf(Table table, String category) {
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    Record row = GenericRecord.create(table.schema());
    row.setField("category", category);
    key.partition(new InternalRecordWrapper(table.schema().asStruct()).wrap(row));
    return key;
  }

  private static void deleteNames(Table table, String... names) throws IOException {
    Schema keySchema = table.schema().select("name");
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .deleteFileFormat(FileFormat.PARQUET)
            .equalityFieldIds(new int[] {3})
            .equalityDeleteRowSchema(keySchema)
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 2, 1).build();
    EqualityDeleteWriter<Record> writer =
        writers.newEqualityDeleteWriter(files.newOutputFile(), table.spec(), null);
    try (writer) {
      for (String name : names) {
        Record key = GenericRecord.create(keySchema);
        key.setField("name", name);
        writer.write(key);
      }
    }
    DeleteFile delete = writer.toDeleteFile();
    table.newRowDelta().addDeletes(delete).commit();
  }
}
