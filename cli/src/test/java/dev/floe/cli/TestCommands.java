package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** tables, head, plan, help, catalog configuration and the one-line errors. */
class TestCommands {
  @TempDir Path dir;

  @ParameterizedTest(name = "floe {0} --help")
  @ValueSource(strings = {"", "demo", "tables", "plan", "head", "export", "help"})
  void everyCommandHasHelp(String command) {
    Cli.Result result = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Usage: floe").contains("--help");
    assertThat(result.stderr()).isEmpty();
  }

  @ParameterizedTest(name = "floe {0} -V, --version")
  @ValueSource(strings = {"", "demo", "tables", "plan", "head", "export"})
  void everyCommandHasTheVersion(String command) {
    for (String option : List.of("-V", "--version")) {
      Cli.Result result = command.isEmpty() ? Cli.run(option) : Cli.run(command, option);
      assertThat(result.exit()).as(result.toString()).isZero();
      assertThat(result.out()).isEqualTo("floe 0.1.0\n");
      assertThat(result.stderr()).isEmpty();
    }
  }

  @Test
  void noCommandIsAUsageError() {
    Cli.Result result = Cli.run("export");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr().lines()).hasSize(1);
    assertThat(result.stderr()).contains("Missing required parameter: 'TABLE'");
  }

  @Test
  void tablesListsTheCatalog() {
    Cli.Result result = run("tables");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            TestWarehouse.ALL_TYPES, TestWarehouse.DELETES_ORC, TestWarehouse.DELETES_V3);
    Cli.Result namespace = run("tables", "db");
    assertThat(namespace.out().lines()).hasSize(3);
    Cli.Result missing = run("tables", "nope");
    assertThat(missing.exit()).isEqualTo(2);
  }

  @Test
  void headPrintsAnAlignedTable() {
    Cli.Result result =
        run("head", TestWarehouse.DELETES_ORC, "-n", "7", "--select", "id,category,note,amount");
    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(10);
    assertThat(lines.get(0)).matches("id +\\| category \\| note +\\| amount");
    assertThat(lines.get(1)).matches("-+-\\+-+-\\+-+-\\+-+");
    assertThat(lines.get(9)).isEqualTo("(7 rows)");
    int bar = lines.get(0).indexOf('|');
    for (String line : lines.subList(2, 9)) {
      assertThat(line.indexOf('|')).as(line).isEqualTo(bar);
    }
    assertThat(String.join("\n", lines)).contains("NULL");
  }

  @Test
  void selectIgnoresSpacesAroundNames() {
    Cli.Result result =
        run("head", TestWarehouse.ALL_TYPES, "--select", " id, i ,l", "--select", " s", "-n", "2");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out().lines().findFirst().orElseThrow()).matches("id +\\| i +\\| l +\\| s");
  }

  /** A long _file is cut at the start, so the file name shows. */
  @Test
  void headKeepsTheFileNameOfLongPaths() throws IOException {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        TestWarehouse.load(TestWarehouse.ALL_TYPES).newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    assertThat(files).allSatisfy(file -> assertThat(file).hasSizeGreaterThan(30));
    Cli.Result result =
        run(
            "head",
            TestWarehouse.ALL_TYPES,
            "--select",
            "id,_file",
            "--max-width",
            "30",
            "-n",
            "5");
    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> cells =
        result.out().lines().skip(2).limit(5).map(line -> line.split(" \\| ")[1]).toList();
    assertThat(cells)
        .hasSize(5)
        .allSatisfy(
            cell -> {
              assertThat(cell).startsWith("…").endsWith(".parquet").hasSize(30);
              assertThat(files).anyMatch(file -> file.endsWith(cell.substring(1)));
            });
  }

  @Test
  void headPrintsColumnsInTheSelectedOrderAndTheSameRowsEveryRun() {
    Cli.Result first = run("head", TestWarehouse.ALL_TYPES, "--select", "_pos,id,_file", "-n", "3");
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(first.out().lines().findFirst().orElseThrow().split("\\s*\\|\\s*"))
        .containsExactly("_pos", "id", "_file");
    for (int run = 0; run < 4; run++) {
      assertThat(run("head", TestWarehouse.ALL_TYPES, "--select", "_pos,id,_file", "-n", "3").out())
          .isEqualTo(first.out());
    }
  }

  @Test
  void headHonoursFilterAndLimit() {
    Cli.Result result =
        run(
            "head",
            TestWarehouse.DELETES_ORC,
            "--filter",
            "category IS NULL AND qty >= 0",
            "--select",
            "category,qty",
            "--limit",
            "3");
    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> rows = result.out().lines().toList().subList(2, 5);
    assertThat(rows).allSatisfy(row -> assertThat(row).startsWith("NULL"));
    assertThat(result.out()).endsWith("(3 rows)\n");
  }

  @Test
  void planShowsFilesDeletesAndMemory() throws IOException {
    Table table = TestWarehouse.load(TestWarehouse.DELETES_ORC);
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask ignored : tasks) {
        files += 1;
      }
    }
    Cli.Result result = run("plan", TestWarehouse.DELETES_ORC);
    assertThat(result.exit()).as(result.toString()).isZero();
    String out = result.out();
    assertThat(out)
        .contains("Table floe." + TestWarehouse.DELETES_ORC + " (format v2)")
        .contains("position deletes")
        .contains("equality deletes [3]")
        .contains("Data files    " + files + " ")
        .contains("Expected peak memory  ~");
    assertThat(out.lines().filter(line -> line.startsWith("ORC "))).hasSize(files);
    Cli.Result v3 = run("plan", TestWarehouse.DELETES_V3, "--filter", "category = 'beta'");
    assertThat(v3.out()).contains("(format v3)").contains("deletion vector").contains("Filter ");
  }

  /**
   * With --parallelism N the estimate holds the N largest files, each with its batch, plus N queued
   * batches and the consumer's (measured: 16 files at once peaked at 40.8 MiB of Arrow batches
   * where one file at a time took 1.3 MiB, the demo table's events).
   */
  @Test
  void planEstimatesEveryFileReadAtOnce() throws IOException {
    Table table = TestWarehouse.load(TestWarehouse.DELETES_ORC);
    List<MemoryEstimate> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
      planned.forEach(task -> tasks.add(MemoryEstimate.of(task, table.schema(), 10_000)));
    }
    tasks.sort(Comparator.comparingLong(MemoryEstimate::total).reversed());
    assertThat(tasks).hasSizeGreaterThan(3);
    long largestBatch = tasks.stream().mapToLong(MemoryEstimate::batchBytes).max().orElseThrow();
    long three =
        tasks.subList(0, 3).stream().mapToLong(MemoryEstimate::total).sum() + 4 * largestBatch;
    long all = tasks.stream().mapToLong(MemoryEstimate::total).sum();
    long every = all + (tasks.size() + 1L) * largestBatch;

    assertThat(peakLine(run("plan", TestWarehouse.DELETES_ORC)))
        .startsWith("Expected peak memory  ~" + PlanCommand.bytes(tasks.get(0).total()) + " ")
        .contains(" for one file at a time ");
    assertThat(peakLine(run("plan", TestWarehouse.DELETES_ORC, "--parallelism", "3")))
        .startsWith("Expected peak memory  ~" + PlanCommand.bytes(three) + " ")
        .contains(" for 3 files at a time ");
    // more threads than files: every file at once
    assertThat(peakLine(run("plan", TestWarehouse.DELETES_ORC, "--parallelism", "256")))
        .startsWith("Expected peak memory  ~" + PlanCommand.bytes(every) + " ")
        .contains(" for " + tasks.size() + " files at a time ");
  }

  private static String peakLine(Cli.Result result) {
    assertThat(result.exit()).as(result.toString()).isZero();
    return result
        .out()
        .lines()
        .filter(l -> l.startsWith("Expected peak"))
        .findFirst()
        .orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "head db.nope | 2 | Table does not exist: db.nope (see 'floe tables' for the tables)",
        "head DB.ALL_TYPES | 2 | Table does not exist: DB.ALL_TYPES; did you mean db.all_types?",
        "head db.all_typse | 2 | Table does not exist: db.all_typse; did you mean db.all_types?",
        "plan deletes_orc | 2 | Table does not exist: deletes_orc; did you mean db.deletes_orc?",
        "head bd.deletes_v3 | 2 | Table does not exist: bd.deletes_v3; did you mean db.deletes_v3?",
        "head db.all_types --filter 'id <' | 2 | unexpected '<' at position 4",
        "head db.all_types --filter 'id = 1 AND' | 2 | unexpected 'AND' at position 8",
        "head db.all_types --filter 'id IN ()' | 2 | IN needs at least one value",
        "head db.all_types --filter 'idd = 1' | 2 | unknown column 'idd' at position 1",
        "head db.all_types --filter 'i = ''x''' | 2 | 'x' at position 5; it does not fit column i (int)",
        "head db.all_types --select id,nope | 2 | Cannot find column 'nope'",
        "head db.all_types --select 'id, nope' | 2 | Cannot find column 'nope'",
        "head db.all_types --select id,,i | 2 | Invalid --select: 'id,,i' has an empty column name",
        "head db.all_types --select id, | 2 | Invalid --select: 'id,' has an empty column name",
        "head db.all_types --snapshot 42 | 2 | Invalid snapshot",
        "head db.all_types --as-of yesterday | 2 | Invalid --as-of",
        "head db.all_types --bogus | 2 | Unknown option: '--bogus'",
        "head db.all_types --rewrite-prefix abc | 2 | Invalid --rewrite-prefix: 'abc', expected FROM=TO (see",
        "tables -C abc | 2 | Invalid --catalog-property: 'abc', expected KEY=VALUE (see",
        "export db.all_types --format xml - | 2 | Invalid --format: 'xml'",
        "export db.all_types - | 2 | Missing --format",
        "export db.all_types --format csv --batch-size 0 - | 2 | Invalid batch size: 0",
        "export db.all_types --format parquet --compression lzo - | 2 | Invalid --compression",
        "head missing/v1.metadata.json | 2 | Cannot find table metadata missing/v1.metadata.json",
      })
  void errorsAreOneLineWithTheirExitCode(String command, int exit, String message) {
    List<String> args = new ArrayList<>();
    for (String part : command.split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
      args.add(
          part.startsWith("'") ? part.substring(1, part.length() - 1).replace("''", "'") : part);
    }
    args.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    Cli.Result result = Cli.run(args.toArray(new String[0]));
    assertThat(result.exit()).as(result.toString()).isEqualTo(exit);
    assertThat(result.stderr().lines()).as(result.stderr()).hasSize(1);
    assertThat(result.stderr())
        .startsWith("floe " + args.get(0) + ": ")
        .contains(message)
        .doesNotContain("\tat ")
        .doesNotContain("Exception:");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void exportRefusesToReplaceAFileUnlessTold() throws IOException {
    Path target = dir.resolve("out.csv");
    Files.writeString(target, "keep");
    Cli.Result refused = run("export", TestWarehouse.ALL_TYPES, "--out", target.toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.stderr()).contains("pass --overwrite");
    assertThat(Files.readString(target)).isEqualTo("keep");
    Cli.Result replaced =
        run("export", TestWarehouse.ALL_TYPES, "--out", target.toString(), "--overwrite", "-q");
    assertThat(replaced.exit()).as(replaced.toString()).isZero();
    assertThat(replaced.stderr()).isEmpty();
    assertThat(Files.readString(target)).startsWith("id,b,i,l,f,d,");
    Cli.Result noDirectory =
        run("export", TestWarehouse.ALL_TYPES, "--out", dir.resolve("no/out.csv").toString());
    assertThat(noDirectory.exit()).isEqualTo(2);
    assertThat(noDirectory.stderr()).contains("no directory");
  }

  @Test
  void binaryExportsRefuseATerminal() {
    List<String> args = new ArrayList<>(List.of("export", TestWarehouse.ALL_TYPES));
    args.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    args.add("--format");
    List<String> arrow = new ArrayList<>(args);
    arrow.addAll(List.of("arrow", "-"));
    Cli.Result refused = Cli.runOnTerminal(arrow.toArray(new String[0]));
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.stderr()).contains("Refusing to write arrow to a terminal");
    List<String> csv = new ArrayList<>(args);
    csv.addAll(List.of("csv", "--limit", "3", "-q", "-"));
    Cli.Result text = Cli.runOnTerminal(csv.toArray(new String[0]));
    assertThat(text.exit()).as(text.toString()).isZero();
    assertThat(text.out().lines()).hasSize(4);
  }

  /** Catalog options that cannot work are usage errors (exit 2), not failures. */
  @Test
  void catalogMistakesAreUsageErrors() {
    Cli.Result type = Cli.run("tables", "--catalog-type", "nosuch");
    assertThat(type.exit()).as(type.toString()).isEqualTo(2);
    assertThat(type.stderr())
        .startsWith("floe tables: Invalid catalog type: nosuch, expected one of rest, jdbc,")
        .hasLineCount(1);
    Cli.Result jdbc =
        Cli.run("tables", "--uri", "jdbc:sqlite:" + TestWarehouse.dir().resolve("catalog.db"));
    assertThat(jdbc.exit()).as(jdbc.toString()).isEqualTo(2);
    assertThat(jdbc.stderr()).contains("needs a warehouse location").contains("--warehouse DIR");
  }

  @Test
  void theDefaultCatalogMustExistForReading() {
    Path fresh = dir.resolve("fresh");
    Cli.Result result = Cli.run("tables", "--warehouse", fresh.toString());
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderr()).contains("run 'floe demo'");
    assertThat(fresh).doesNotExist();
  }

  @Test
  void progressIsDrawnWhenAsked() {
    Cli.Result quietByDefault = run("export", TestWarehouse.DELETES_ORC, "--format", "csv", "-");
    assertThat(quietByDefault.stderr()).doesNotContain("\r");
    Cli.Result forced =
        run(
            "export",
            TestWarehouse.DELETES_ORC,
            "--format",
            "csv",
            "--batch-size",
            "10",
            "--progress",
            "-");
    assertThat(forced.exit()).as(forced.toString()).isZero();
    assertThat(forced.stderr()).contains("\r  exporting  ").contains(" rows").contains("%");
    Cli.Result quiet =
        run("export", TestWarehouse.DELETES_ORC, "--format", "csv", "--progress", "-q", "-");
    assertThat(quiet.stderr()).isEmpty();
  }

  @Test
  void catalogFromAPropertiesFile() throws IOException {
    Path properties = dir.resolve("catalog.properties");
    Files.writeString(
        properties,
        "type=jdbc\nuri=jdbc:sqlite:"
            + TestWarehouse.dir().resolve("catalog.db")
            + "\nwarehouse="
            + TestWarehouse.dir()
            + "\njdbc.schema-version=V1\n");
    Cli.Result result = Cli.run("tables", "--catalog-config", properties.toString());
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out().lines()).contains(TestWarehouse.ALL_TYPES);
    // a catalog name the tables were not created under sees none, and is told why
    Cli.Result other =
        Cli.run("tables", "--catalog-config", properties.toString(), "--catalog-name", "other");
    assertThat(other.exit()).as(other.toString()).isZero();
    assertThat(other.out()).isEmpty();
    assertThat(other.stderr())
        .startsWith(
            "floe tables: note: no tables; a JDBC catalog keeps its tables per catalog name")
        .contains("catalog 'other'")
        .contains("--catalog-name floe")
        .hasLineCount(1);
    Cli.Result missing =
        Cli.run(
            "head",
            "db.all_types",
            "--catalog-config",
            properties.toString(),
            "--catalog-name",
            "x");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.stderr()).contains("keeps its tables per catalog name").hasLineCount(1);
  }

  @Test
  void hadoopCatalogThroughFlags() throws IOException {
    Path hadoop = dir.resolve("hadoop");
    try (Warehouse home = Warehouse.hadoop(hadoop)) {
      Fixtures.allTypes(
          home.catalog(), TableIdentifier.parse("ns.t"), FixtureOptions.defaults().withRows(50));
    }
    Cli.Result result =
        Cli.run(
            "head",
            "ns.t",
            "--catalog-type",
            "hadoop",
            "--warehouse",
            hadoop.toString(),
            "-n",
            "2");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("(2 rows)");
    // the same table by its directory (version-hint.text) and with -C properties
    Cli.Result byDirectory = Cli.run("head", hadoop.resolve("ns/t").toString(), "-n", "1");
    assertThat(byDirectory.out()).contains("(1 row)");
    Cli.Result byProperties = Cli.run("tables", "-C", "type=hadoop", "-C", "warehouse=" + hadoop);
    assertThat(byProperties.out().lines()).containsExactly("ns.t");
  }

  private static Cli.Result run(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    return Cli.run(all.toArray(new String[0]));
  }
}
