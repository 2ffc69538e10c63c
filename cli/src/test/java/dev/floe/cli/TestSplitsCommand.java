package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.scan.ScanSplit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code floe splits} prints one split per line, and {@code floe export --split} reads one back:
 * exporting every split, each as its own command, gives exactly the rows of exporting the scan.
 */
class TestSplitsCommand {
  private static final String[] SCAN = {
    "--select", "id,category,qty,_file,_pos", "--filter", "qty < 700 OR category IS NULL"
  };

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {TestWarehouse.DELETES_ORC, TestWarehouse.DELETES_V3})
  void exportingEverySplitGivesTheScansRows(String table) throws IOException {
    List<String> lines = splits(table, concat(SCAN, "--target-mb", "1"));
    assertThat(lines).hasSizeGreaterThan(3);
    List<String> fromSplits = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Path file = dir.resolve("split-" + i + ".json");
      Files.writeString(file, lines.get(i) + "\n");
      Cli.Result exported =
          Cli.run(
              args("export", table, "--split", file.toString(), "--format", "jsonl", "-q", "-"));
      assertThat(exported.exit()).as(exported.toString()).isZero();
      fromSplits.addAll(exported.out().lines().toList());
    }
    Cli.Result whole = Cli.run(args("export", table, concat(SCAN, "--format", "jsonl", "-q", "-")));
    assertThat(whole.exit()).as(whole.toString()).isZero();
    List<String> expected = new ArrayList<>(whole.out().lines().toList());
    assertThat(expected).isNotEmpty();
    expected.sort(null);
    fromSplits.sort(null);
    assertThat(fromSplits).isEqualTo(expected);
  }

  @Test
  void eachLineIsASplitAndTheSummaryGoesToStderr() {
    Cli.Result result = Cli.run(args("splits", TestWarehouse.DELETES_ORC, "--target-mb", "1024"));
    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(1);
    ScanSplit split = ScanSplit.fromJson(lines.get(0));
    assertThat(split.tableUuid())
        .isEqualTo(TestWarehouse.load(TestWarehouse.DELETES_ORC).uuid().toString());
    assertThat(result.stderr()).startsWith("Planned 1 split of ").contains("target 1.0 GiB");
    Cli.Result quiet =
        Cli.run(args("splits", TestWarehouse.DELETES_ORC, "--target-mb", "1024", "-q"));
    assertThat(quiet.stderr()).isEmpty();
    // the same split, its files perhaps in another order: Iceberg reads manifests in parallel
    assertThat(quiet.out().lines()).hasSize(1);
    assertThat(ScanSplit.fromJson(quiet.out().strip()).files())
        .containsExactlyInAnyOrderElementsOf(split.files());
  }

  @Test
  void aSplitIsReadFromStandardInput() {
    String line = splits(TestWarehouse.DELETES_V3, "--target-mb", "1").get(2);
    List<String> fromFile;
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)));
      Cli.Result result =
          Cli.run(
              args(
                  "export",
                  TestWarehouse.DELETES_V3,
                  "--split",
                  "-",
                  "--format",
                  "jsonl",
                  "-q",
                  "-"));
      assertThat(result.exit()).as(result.toString()).isZero();
      fromFile = result.out().lines().toList();
    } finally {
      System.setIn(stdin);
    }
    assertThat(fromFile).isNotEmpty();
  }

  @Test
  void aLimitIsRefusedWhenPlanningSplits() {
    Cli.Result result = Cli.run(args("splits", TestWarehouse.DELETES_ORC, "--limit", "5"));
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderr()).startsWith("floe splits: ").contains("with a limit (5 rows)");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void badTargetsAreUsageErrors() {
    for (String target : new String[] {"0", "-3"}) {
      Cli.Result result = Cli.run(args("splits", TestWarehouse.DELETES_ORC, "--target-mb", target));
      assertThat(result.exit()).as(result.toString()).isEqualTo(2);
      assertThat(result.stderr()).contains("Invalid --target-mb: " + target);
    }
  }

  @Test
  void exportOfASplitRefusesScanOptionsOtherTablesAndBadInput() throws IOException {
    String line = splits(TestWarehouse.DELETES_ORC, "--target-mb", "1024").get(0);
    Path file = dir.resolve("split.json");
    Files.writeString(file, line);
    assertUsage(
        args(
            "export", TestWarehouse.DELETES_ORC, "--split", file.toString(), "--filter", "qty < 3"),
        "--split carries the scan",
        "--filter");
    assertUsage(
        args("export", TestWarehouse.DELETES_V3, "--split", file.toString()),
        "Cannot read a split of table",
        "uuid");
    Path two = dir.resolve("two.json");
    Files.writeString(two, line + "\n" + line + "\n");
    assertUsage(args("export", TestWarehouse.DELETES_ORC, "--split", two.toString()), "2 lines");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"format-version\":7}");
    assertUsage(
        args("export", TestWarehouse.DELETES_ORC, "--split", bad.toString()),
        "Invalid split format version: 7");
    assertUsage(
        args("export", TestWarehouse.DELETES_ORC, "--split", dir.resolve("none").toString()),
        "no such file");
  }

  @Test
  void splitsHasHelp() {
    Cli.Result result = Cli.run("splits", "--help");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Usage: floe splits").contains("--target-mb");
  }

  private static void assertUsage(String[] args, String... messages) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--format", "jsonl", "-"));
    Cli.Result result = Cli.run(all.toArray(new String[0]));
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderr().lines()).as(result.stderr()).hasSize(1);
    assertThat(result.stderr()).startsWith("floe export: ").contains(messages);
    assertThat(result.stdout()).isEmpty();
  }

  private static List<String> splits(String table, String... options) {
    Cli.Result result = Cli.run(args("splits", table, concat(options, "-q")));
    assertThat(result.exit()).as(result.toString()).isZero();
    return result.out().lines().toList();
  }

  private static String[] args(String command, String table, String... rest) {
    List<String> all = new ArrayList<>(List.of(command, table));
    all.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    all.addAll(Arrays.asList(rest));
    return all.toArray(new String[0]);
  }

  private static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(Arrays.asList(first));
    all.addAll(Arrays.asList(more));
    return all.toArray(new String[0]);
  }
}
