package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A failed or interrupted export leaves nothing under the final name. */
class TestExportFailures {
  private static final String CORRUPT = "db.corrupt";

  @TempDir static Path warehouse;
  @TempDir Path out;

  private static String corruptFile;

  /**
   * A table one of whose data files is damaged in its second row group: reading it fails after the
   * rows of its first row group (and maybe of other files) went out.
   */
  @BeforeAll
  static void corruptTable() throws IOException {
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Table table =
          Fixtures.deletes(
              home.catalog(),
              TableIdentifier.parse(CORRUPT),
              FixtureOptions.defaults().withRows(4_000).withRowGroupBytes(8 * 1024));
      DataFile victim = null;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          List<Long> groups = task.file().splitOffsets();
          if (groups != null && groups.size() >= 2) {
            victim = task.file();
            break;
          }
        }
      }
      assertThat(victim).as("a data file with two row groups").isNotNull();
      corruptFile = victim.location();
      try (RandomAccessFile file = new RandomAccessFile(Path.of(corruptFile).toFile(), "rw")) {
        file.seek(victim.splitOffsets().get(1));
        file.write(new byte[256]);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"arrow", "arrow-file", "parquet", "csv", "jsonl"})
  void aFailureMidExportLeavesNoFile(String format) throws IOException {
    Path target = out.resolve("export." + format);
    Cli.Result result = export(format, target, "--batch-size", "50");
    assertThat(result.exit()).as(result.toString()).isEqualTo(1);
    assertThat(result.stderr().lines()).hasSize(1);
    assertThat(result.stderr())
        .startsWith("floe export: ")
        .contains(Path.of(corruptFile).getFileName().toString())
        .doesNotContain("\tat ");
    assertThat(files(out)).isEmpty();
  }

  @Test
  void aFailedOverwriteKeepsTheOldFile() throws IOException {
    Path target = out.resolve("keep.csv");
    Files.writeString(target, "old content");
    Cli.Result result = export("csv", target, "--overwrite");
    assertThat(result.exit()).as(result.toString()).isEqualTo(1);
    assertThat(Files.readString(target)).isEqualTo("old content");
    assertThat(files(out)).containsExactly("keep.csv");
  }

  /**
   * SIGTERM (what Ctrl-C's SIGINT also leads to) runs the JVM's shutdown hooks: the temporary file
   * goes, the old file stays, and the one line says so (not the ClosedChannelException the writer
   * gets when the hook closes the file under it).
   */
  @Test
  void anInterruptedExportLeavesNoFile() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs a POSIX process to signal");
    Path target = out.resolve("interrupted.csv");
    Files.writeString(target, "old content");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.floe.cli.Floe",
                "export",
                TestWarehouse.DELETES_ORC,
                "--format",
                "csv",
                // one row per batch: slow enough to be caught in the middle
                "--batch-size",
                "1",
                "--overwrite",
                "--out",
                target.toString()));
    command.addAll(List.of(TestWarehouse.catalogArgs()));
    Path stderr = out.getParent().resolve(out.getFileName() + ".stderr");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(stderr.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (process.isAlive()
          && files(out).stream().noneMatch(name -> name.endsWith(".floe-tmp"))) {
        assertThat(System.nanoTime()).as("temporary file appears").isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(process.isAlive()).as("export still running when interrupted").isTrue();
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String errors = Files.readString(stderr, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(errors).isEqualTo(143);
      assertThat(errors).isEqualTo("floe export: interrupted; nothing written\n");
      assertThat(files(out)).containsExactly("interrupted.csv");
      assertThat(Files.readString(target)).isEqualTo("old content");
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  private static Cli.Result export(String format, Path target, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "export",
                CORRUPT,
                "--warehouse",
                warehouse.toString(),
                "--format",
                format,
                "--out",
                target.toString()));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(new String[0]));
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
