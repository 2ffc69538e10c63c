package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.scan.DataScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads one Spark-written oracle table in place with Floe and compares every row and value with
 * what Spark read back ({@code expected/<table>.jsonl}), plus the meta file's filters, projection,
 * time-travel row counts and planned scan tasks.
 *
 * <p>Every column is compared, nested ones (struct, list, map) included, line for line and by the
 * SHA-256 of the canonical lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OracleComparison {
  private Oracle oracle;
  private Table table;
  private List<String> compared;
  private List<String> expectedLines;
  private List<Map<String, String>> expectedMembers;

  /** The oracle table this class checks. */
  abstract String tableName();

  @BeforeAll
  void loadOracle() {
    oracle = Oracle.load(tableName());
    table = oracle.table();
    compared =
        table.schema().columns().stream().map(Types.NestedField::name).collect(Collectors.toList());
    expectedLines = oracle.expectedLines();
    expectedMembers = expectedLines.stream().map(JsonLine::members).collect(Collectors.toList());
  }

  Oracle oracle() {
    return oracle;
  }

  Table table() {
    return table;
  }

  /** The columns this test compares: all of them, in table order. */
  List<String> comparedColumns() {
    return compared;
  }

  private DataScan scan() {
    return DataScan.of(table);
  }

  @Test
  void versionHintNamesTheCurrentMetadataFile() {
    assertThat(oracle.versionHintMetadata())
        .isEqualTo(oracle.meta().get("current_metadata_file").asText());
  }

  @ParameterizedTest(name = "batch size {0}")
  @ValueSource(ints = {1000, 7})
  void everyRowAndValueMatchesSpark(int batchSize) {
    List<String> actual = FloeLines.read(scan(), batchSize);
    List<String> expected = project(expectedMembers, compared);
    assertThat(FloeLines.differences(expected, actual)).as("differences from Spark").isEmpty();
    assertThat(actual).hasSize(oracle.meta().get("row_count").asInt());
    assertThat(Oracle.sha256(actual)).isEqualTo(oracle.meta().get("jsonl_sha256").asText());
  }

  @TestFactory
  Stream<DynamicTest> filtersMatchSpark() {
    return StreamSupport.stream(oracle.meta().get("filters").spliterator(), false)
        .map(
            filter ->
                DynamicTest.dynamicTest(filter.get("sql_where").asText(), () -> check(filter)));
  }

  private void check(JsonNode filter) {
    SparkWhere where = SparkWhere.parse(filter.get("sql_where").asText());
    long rowCount = filter.get("row_count").asLong();
    String hash = filter.get("jsonl_sha256").asText();
    // The test's reading of the WHERE text must select exactly the rows Spark selected.
    List<Map<String, String>> kept = new ArrayList<>();
    List<String> keptLines = new ArrayList<>();
    for (int i = 0; i < expectedLines.size(); i++) {
      if (where.matches(expectedMembers.get(i))) {
        kept.add(expectedMembers.get(i));
        keptLines.add(expectedLines.get(i));
      }
    }
    assertThat(keptLines).as("expected rows matching %s", where).hasSize((int) rowCount);
    assertThat(Oracle.sha256(keptLines))
        .as("hash of expected rows matching %s", where)
        .isEqualTo(hash);

    for (int batchSize : new int[] {1000, 7}) {
      List<String> actual = FloeLines.read(scan().filter(where.toExpression()), batchSize);
      assertThat(FloeLines.differences(project(kept, compared), actual))
          .as("differences from Spark for %s at batch size %d", where, batchSize)
          .isEmpty();
      assertThat(actual).hasSize((int) rowCount);
      assertThat(Oracle.sha256(actual)).as("hash for %s", where).isEqualTo(hash);
    }
    // The filter's columns need not be selected: only id is read out, the filter still applies.
    List<String> ids = FloeLines.read(scan().select("id").filter(where.toExpression()), 1000);
    assertThat(ids)
        .as("ids for %s with only id selected", where)
        .isEqualTo(project(kept, List.of("id")));
  }

  @Test
  void projectionMatchesSpark() {
    JsonNode projection = oracle.meta().get("projection");
    List<String> select = new ArrayList<>();
    projection.get("select").forEach(column -> select.add(column.asText()));
    List<String> expected = project(expectedMembers, select);
    assertThat(Oracle.sha256(expected))
        .as("hash of the expected projection")
        .isEqualTo(projection.get("jsonl_sha256").asText());

    List<String> actual =
        FloeLines.read(DataScan.of(table).select(select.toArray(new String[0])), 1000);
    assertThat(FloeLines.differences(expected, actual)).as("differences from Spark").isEmpty();
    assertThat(actual).hasSize(projection.get("row_count").asInt());
    assertThat(Oracle.sha256(actual)).isEqualTo(projection.get("jsonl_sha256").asText());
  }

  @TestFactory
  Stream<DynamicTest> timeTravelRowCountsMatchSpark() {
    return StreamSupport.stream(oracle.meta().get("snapshots").spliterator(), false)
        .map(
            snapshot ->
                DynamicTest.dynamicTest(
                    snapshot.get("sequence_number").asLong()
                        + " "
                        + snapshot.get("operation").asText()
                        + " "
                        + snapshot.get("snapshot_id").asLong(),
                    () ->
                        assertThat(
                                FloeLines.count(
                                    DataScan.of(table)
                                        .select("id")
                                        .useSnapshot(snapshot.get("snapshot_id").asLong()),
                                    1000))
                            .isEqualTo(snapshot.get("row_count").asLong())));
  }

  @Test
  void scanTasksMatchWhatSparkPlanned() {
    ScanTasks.assertPlannedLikeSpark(oracle, table);
  }

  private static List<String> project(List<Map<String, String>> rows, List<String> columns) {
    return rows.stream().map(row -> JsonLine.project(row, columns)).collect(Collectors.toList());
  }
}
