package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.cli.export.ExportFormat;
import dev.floe.cli.filter.SqlFilter;
import dev.floe.scan.DataScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export format, to a file and to standard output, read back with a reader that did not write
 * it and compared with what the same scan returns directly.
 */
class TestExportRoundTrip {
  private static final List<String> FORMATS =
      List.of("arrow", "arrow-file", "parquet", "csv", "jsonl");

  @TempDir Path dir;

  static Stream<Arguments> tablesFormatsTargets() {
    List<Arguments> cases = new ArrayList<>();
    for (String table :
        List.of(TestWarehouse.ALL_TYPES, TestWarehouse.DELETES_ORC, TestWarehouse.DELETES_V3)) {
      for (String format : FORMATS) {
        for (boolean stdout : new boolean[] {false, true}) {
          cases.add(Arguments.of(table, format, stdout));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} as {1}, stdout {2}")
  @MethodSource("tablesFormatsTargets")
  void wholeTableReadsBackAsScanned(String table, String format, boolean stdout) throws Exception {
    ScanReference expected = ScanReference.of(TestWarehouse.load(table), scan -> scan);
    ScanReference actual = export(table, format, stdout, expected.schema());
    assertSameRows(format, actual, expected);
  }

  static Stream<Arguments> formats() {
    return FORMATS.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void selectFilterLimitAndMetadataColumns(String format) throws Exception {
    String filter = "i < 0 AND s IS NOT NULL OR dec_9_2 BETWEEN 0 AND 1000 OR b";
    Table table = TestWarehouse.load(TestWarehouse.ALL_TYPES);
    UnaryOperator<DataScan> options =
        scan ->
            scan.select("id", "s", "ts", "u", "dec_38_10", "_file", "_pos")
                .filter(SqlFilter.parse(filter, table.schema(), true));
    ScanReference expected = ScanReference.of(table, options);
    assertThat(expected.rows()).hasSizeGreaterThan(400);
    ScanReference actual =
        export(
            TestWarehouse.ALL_TYPES,
            format,
            false,
            expected.schema(),
            "--select",
            "id,s,ts,u,dec_38_10,_file,_pos",
            "--filter",
            filter,
            "--limit",
            "400",
            "--batch-size",
            "64");
    // which 400 rows depends on the plan's file order, which Iceberg does not fix
    if (!actual.lines().isEmpty()) {
      assertThat(actual.lines()).hasSize(400).doesNotHaveDuplicates();
      assertThat(expected.lines()).containsAll(actual.lines());
    }
    if (!actual.rows().isEmpty() || !format.equals("jsonl")) {
      assertThat(actual.rows()).hasSize(400).doesNotHaveDuplicates();
      assertThat(expected.rows()).containsAll(actual.rows());
    }
  }

  @Test
  void timeTravelToTheFirstSnapshot() throws Exception {
    Table table = TestWarehouse.load(TestWarehouse.DELETES_ORC);
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    Snapshot first = snapshots.get(0);
    ScanReference expected = ScanReference.of(table, scan -> scan.useSnapshot(first.snapshotId()));
    ScanReference current = ScanReference.of(table, scan -> scan);
    assertThat(expected.lines()).isNotEqualTo(current.lines());
    assertSameRows(
        "jsonl",
        export(
            TestWarehouse.DELETES_ORC,
            "jsonl",
            true,
            expected.schema(),
            "--snapshot",
            Long.toString(first.snapshotId())),
        expected);
    assertSameRows(
        "jsonl",
        export(
            TestWarehouse.DELETES_ORC,
            "jsonl",
            true,
            expected.schema(),
            "--as-of",
            Long.toString(first.timestampMillis())),
        expected);
  }

  @Test
  void parallelismReadsSeveralFilesAtOnceWithTheSameRows() throws Exception {
    for (String table : List.of(TestWarehouse.DELETES_ORC, TestWarehouse.DELETES_V3)) {
      ScanReference expected = ScanReference.of(TestWarehouse.load(table), scan -> scan);
      assertSameRows(
          "jsonl",
          export(
              table, "jsonl", true, expected.schema(), "--parallelism", "3", "--batch-size", "7"),
          expected);
    }
    Cli.Result bad =
        Cli.run(args(TestWarehouse.DELETES_ORC, "--format", "jsonl", "--parallelism", "0", "-"));
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.stderr()).contains("Invalid parallelism: 0");
  }

  static Stream<Arguments> formatsWithoutRows() {
    List<Arguments> cases = new ArrayList<>();
    for (String format : FORMATS) {
      cases.add(Arguments.of(format, "--limit", "0"));
      cases.add(Arguments.of(format, "--filter", "id < 0"));
    }
    return cases.stream();
  }

  /**
   * No rows is still a file of its format: Parquet with the schema and no row groups (Iceberg's
   * writer alone would leave 0 bytes), Arrow with its schema, CSV with its header, JSON Lines
   * empty.
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("formatsWithoutRows")
  void noRowsIsAValidEmptyFile(String format, String option, String value) throws Exception {
    Schema schema = ScanReference.of(TestWarehouse.load(TestWarehouse.ALL_TYPES), s -> s).schema();
    ScanReference actual = export(TestWarehouse.ALL_TYPES, format, false, schema, option, value);
    assertThat(actual.rows()).isEmpty();
    assertThat(actual.lines()).isEmpty();
    Path file = dir.resolve("export." + format);
    switch (format) {
      case "parquet":
        Path oneRow = dir.resolve("one.parquet");
        Cli.Result one =
            Cli.run(
                args(TestWarehouse.ALL_TYPES, "--limit", "1", "-q", "--out", oneRow.toString()));
        assertThat(one.exit()).as(one.toString()).isZero();
        try (ParquetFileReader empty = ParquetFileReader.open(new LocalInputFile(file));
            ParquetFileReader written = ParquetFileReader.open(new LocalInputFile(oneRow))) {
          assertThat(empty.getRecordCount()).isZero();
          assertThat(empty.getRowGroups()).isEmpty();
          FileMetaData footer = empty.getFooter().getFileMetaData();
          FileMetaData expected = written.getFooter().getFileMetaData();
          assertThat(footer.getSchema()).isEqualTo(expected.getSchema());
          assertThat(SchemaParser.fromJson(footer.getKeyValueMetaData().get("iceberg.schema")))
              .matches(s -> s.sameSchema(ExportFormat.parquetSchema(schema)));
        }
        break;
      case "csv":
        assertThat(Files.readString(file)).startsWith("id,b,i,").endsWith(",req_s\r\n");
        break;
      case "jsonl":
        assertThat(file).isEmptyFile();
        break;
      default: // the Arrow readers checked the schema
        assertThat(file).isNotEmptyFile();
    }
  }

  /** The Parquet export read back with Iceberg's generic reader equals Iceberg's generic scan. */
  @Test
  void parquetEqualsIcebergGenerics() throws Exception {
    Table table = TestWarehouse.load(TestWarehouse.DELETES_ORC);
    Path file = dir.resolve("generic.parquet");
    Cli.Result result =
        Cli.run(args(TestWarehouse.DELETES_ORC, "--format", "parquet", "--out", file.toString()));
    assertThat(result.exit()).as(result.toString()).isZero();
    Schema schema = table.schema();
    List<Record> exported = new ArrayList<>();
    try (CloseableIterable<Record> records =
        Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
            .project(schema)
            .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
            .build()) {
      records.forEach(r -> exported.add(r.copy()));
    }
    List<Record> generic = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(r -> generic.add(r.copy()));
    }
    assertThat(exported).hasSize(generic.size());
    assertThat(columns(exported, schema)).isEqualTo(columns(generic, schema));
  }

  /** The table columns of each record (IcebergGenerics may add _pos), ordered by id. */
  private static List<List<Object>> columns(List<Record> records, Schema schema) {
    List<List<Object>> rows = new ArrayList<>();
    for (Record record : records) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < schema.columns().size(); i++) {
        row.add(record.get(i));
      }
      rows.add(row);
    }
    rows.sort(Comparator.comparing(row -> (Long) row.get(0)));
    return rows;
  }

  private ScanReference export(
      String table, String format, boolean stdout, Schema schema, String... options)
      throws IOException {
    Path file = dir.resolve("export." + format);
    List<String> arguments = new ArrayList<>(List.of("--format", format));
    arguments.addAll(Arrays.asList(options));
    if (!arguments.contains("--batch-size")) {
      arguments.addAll(List.of("--batch-size", "500"));
    }
    arguments.add(stdout ? "-" : file.toString());
    Cli.Result result = Cli.run(args(table, arguments.toArray(new String[0])));
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.stderr()).contains("Exported");
    byte[] bytes;
    if (stdout) {
      bytes = result.stdout();
      Files.write(file, bytes);
    } else {
      assertThat(result.stdout()).isEmpty();
      bytes = ExportedRows.bytes(file);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as("no temporary file left")
            .containsExactly("export." + format);
      }
    }
    switch (format) {
      case "arrow":
        return ExportedRows.arrowStream(bytes, schema);
      case "arrow-file":
        return ExportedRows.arrowFile(file, schema);
      case "parquet":
        return ExportedRows.parquet(file, ExportFormat.parquetSchema(schema));
      case "csv":
        return ExportedRows.csv(bytes, schema);
      default:
        return ExportedRows.jsonLines(bytes, schema);
    }
  }

  private static String[] args(String table, String... rest) {
    List<String> all = new ArrayList<>(List.of("export", table));
    all.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    all.addAll(Arrays.asList(rest));
    return all.toArray(new String[0]);
  }

  /**
   * Same rows, in any order: Iceberg plans manifests in parallel, so two scans of one table may
   * return files in different orders.
   */
  private static void assertSameRows(String format, ScanReference actual, ScanReference expected) {
    assertThat(expected.rows()).isNotEmpty();
    if (!actual.lines().isEmpty() || format.equals("jsonl")) {
      assertThat(sorted(actual.lines()))
          .as(format + " canonical lines")
          .isEqualTo(sorted(expected.lines()));
    }
    if (!actual.rows().isEmpty() || !format.equals("jsonl")) {
      assertThat(sorted(actual.rows())).as(format + " values").isEqualTo(sorted(expected.rows()));
    }
  }

  private static List<String> sorted(List<?> rows) {
    return rows.stream().map(String::valueOf).sorted().toList();
  }
}
