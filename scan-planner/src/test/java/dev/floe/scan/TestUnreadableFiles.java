package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files that exist but cannot be used: a data or delete file the process may not read, and a data
 * file registered as a position delete file (it lacks the delete columns). Each read fails with a
 * {@link FloeException} naming the table and the file (and why: "Permission denied"), releasing
 * everything — never reading as if the delete file deleted nothing.
 */
class TestUnreadableFiles {
  @TempDir static Path dir;
  private static Warehouse warehouse;

  @BeforeAll
  static void createWarehouse() {
    warehouse = Warehouse.hadoop(dir);
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void aDataFileThatCannotBeReadFailsNamingIt(FileFormat format) throws Exception {
    Table table = table("unreadable_data_" + format, format);
    FileScanTask task = firstTaskWithDeletes(table);
    for (int parallelism : new int[] {1, 3}) {
      String ending = readWithoutPermission(table, task.file().location(), parallelism);
      assertThat(ending)
          .startsWith("FAILED " + FloeException.class.getName())
          .contains(table.name())
          .contains(task.file().location())
          .contains("Permission denied")
          .doesNotContain("LEFT");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void aDeleteFileThatCannotBeReadFailsNamingIt(FileFormat format) throws Exception {
    Table table = table("unreadable_deletes_" + format, format);
    DeleteFile delete = firstTaskWithDeletes(table).deletes().get(0);
    for (int parallelism : new int[] {1, 3}) {
      String ending = readWithoutPermission(table, delete.location(), parallelism);
      assertThat(ending)
          .startsWith("FAILED " + FloeException.class.getName())
          .contains(table.name())
          .contains("Cannot read delete file ")
          .contains(delete.location())
          .contains("Permission denied")
          .doesNotContain("LEFT");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void aDataFileRegisteredAsAPositionDeleteFileFailsNamingIt(FileFormat format) {
    Table table = table("data_as_position_deletes_" + format, format);
    DataFile data = firstTaskWithDeletes(table).file();
    DeleteFile bogus =
        FileMetadata.deleteFileBuilder(table.specs().get(data.specId()))
            .ofPositionDeletes()
            .withPath(data.location())
            .withFormat(format)
            .withFileSizeInBytes(data.fileSizeInBytes())
            .withRecordCount(data.recordCount())
            .withPartition(data.partition())
            .build();
    table.newRowDelta().addDeletes(bogus).commit();
    for (int parallelism : new int[] {1, 3}) {
      assertThatThrownBy(
              () -> Differential.floeRows(DataScan.of(table).parallelism(parallelism), 100))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(table.name())
          .hasMessageContaining("Cannot read delete file ")
          .hasMessageContaining(data.location());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void anEqualityDeleteFileWithoutItsKeyColumnFailsNamingItAndTheField(FileFormat format)
      throws Exception {
    Table table = table("equality_deletes_without_key_" + format, format);
    DataFile data = firstTaskWithDeletes(table).file();
    // keyed on name (field 3), but its rows hold only id: Iceberg's writers allow it
    Schema rowSchema = table.schema().select("id");
    FileWriterFactory<Record> writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(format)
            .deleteFileFormat(format)
            .equalityFieldIds(new int[] {table.schema().findField("name").fieldId()})
            .equalityDeleteRowSchema(rowSchema)
            .build();
    PartitionSpec spec = table.specs().get(data.specId());
    EqualityDeleteWriter<Record> writer =
        writers.newEqualityDeleteWriter(
            OutputFileFactory.builderFor(table, 7, 7)
                .format(format)
                .build()
                .newOutputFile(spec, data.partition()),
            spec,
            data.partition());
    try (writer) {
      Record row = GenericRecord.create(rowSchema);
      row.setField("id", 1L);
      writer.write(row);
    }
    DeleteFile keyless = writer.toDeleteFile();
    table.newRowDelta().addDeletes(keyless).commit();
    for (int parallelism : new int[] {1, 3}) {
      assertThatThrownBy(
              () -> Differential.floeRows(DataScan.of(table).parallelism(parallelism), 100))
          .isInstanceOf(FloeException.class)
          .hasMessageContaining(table.name())
          .hasMessageContaining("Cannot read delete file " + keyless.location())
          .hasMessageContaining("lacks the equality field 3 (name)");
      assertThat(Leaks.awaitNoneLeft(dir, 1_000)).as("left behind").isEmpty();
    }
  }

  private static Table table(String name, FileFormat format) {
    return Fixtures.deletes(
        warehouse.catalog(),
        TableIdentifier.of("db", name.toLowerCase(java.util.Locale.ROOT)),
        FixtureOptions.defaults().withRows(2_000).withFormat(format));
  }

  private static FileScanTask firstTaskWithDeletes(Table table) {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      List<FileScanTask> withDeletes = new ArrayList<>();
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()
            && task.deletes().stream()
                .anyMatch(d -> d.content() == org.apache.iceberg.FileContent.POSITION_DELETES)) {
          withDeletes.add(task);
        }
      }
      withDeletes.sort((a, b) -> a.file().location().compareTo(b.file().location()));
      return withDeletes.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the table with {@code location} made unreadable (mode 000) and returns how the read
   * ended, as {@link ReadProbe} prints it. A process that may read every file anyway (root, with
   * CAP_DAC_OVERRIDE) reads in a child JVM without that capability ({@code setpriv}).
   */
  private static String readWithoutPermission(Table table, String location, int parallelism)
      throws Exception {
    Path file = Path.of(location.replaceFirst("^file:", ""));
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    Files.setPosixFilePermissions(file, Set.of());
    try {
      List<String> command = new ArrayList<>();
      if (Files.isReadable(file)) {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeThat(Files.isExecutable(setpriv))
            .as("this process reads files of mode 000, and there is no setpriv to drop that right")
            .isTrue();
        command.addAll(
            List.of(setpriv.toString(), "--bounding-set", "-dac_override,-dac_read_search"));
      }
      command.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--add-opens=java.base/java.nio=ALL-UNNAMED",
              "-Xmx256m",
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
              "-cp",
              System.getProperty("java.class.path"),
              ReadProbe.class.getName(),
              dir.toString(),
              "db." + table.name().substring(table.name().lastIndexOf('.') + 1),
              Integer.toString(parallelism)));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      StringBuilder ending = new StringBuilder();
      for (String line : output.lines().toList()) {
        if (line.startsWith("ROWS") || line.startsWith("FAILED") || line.startsWith("LEFT")) {
          ending.append(line).append('\n');
        }
      }
      return ending.toString();
    } finally {
      Files.setPosixFilePermissions(file, permissions);
    }
  }
}
