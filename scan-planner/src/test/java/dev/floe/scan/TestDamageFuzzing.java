package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DamageFuzzer.Outcome;
import dev.floe.scan.DamageFuzzer.Trial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded damage to every kind of file of v2 and v3 tables with deletes (data files, position and
 * equality delete files, deletion vectors): bit flips, zeroed, random and duplicated ranges,
 * truncations and huge lengths, aimed at each part of the files (footers, page and stripe headers,
 * pages, dictionaries, stripe footers, Puffin blobs). Every read ends with the original rows, with
 * a {@code FloeException} that names the table and the damaged file, or — only where the format has
 * no checksum over the damaged bytes — with other rows; never with a hang, an out-of-memory error,
 * another error, or a buffer, thread or open file left behind ({@link DamageFuzzer}).
 *
 * <p>{@code make test} runs {@value #DEFAULT_MUTATIONS} damaged reads per format; {@code make fuzz}
 * runs {@code -Dfloe.fuzz.mutations} (default there 1,000) with {@code -Dfloe.fuzz.seed} and writes
 * the outcomes per damage kind, file and region to {@code target/fuzz/<format>.md}.
 */
class TestDamageFuzzing {
  static final int DEFAULT_MUTATIONS = 100;

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

  @Test
  void damagedParquetFilesFailNamingTheFileOrReadTheSameRows() {
    fuzz(FileFormat.PARQUET);
  }

  @Test
  void damagedOrcFilesFailNamingTheFileOrReadWithoutHangingOrLeaking() {
    fuzz(FileFormat.ORC);
  }

  /**
   * Seed 14's trial 113 on the v3 ORC table: two garbage bytes in the stripe data of one of two
   * equality-delete files of a data file make orc-core loop until {@code OrcSpinGuard} stops it.
   * The failure must name that file. It once named the other: the stop left the thread interrupted,
   * so re-reading the first delete file alone (to find the damaged one) failed too.
   */
  @Test
  void aDeleteFileOrcCoreLoopsOnIsTheOneTheFailureNames() {
    Table table = table(FileFormat.ORC, 3);
    DamageFuzzer fuzzer = new DamageFuzzer(table, warehouse.dir(), DamageFuzzer.rows(table));
    Trial trial = fuzzer.run(14 + 3, 113, 1).get(0);
    assertThat(trial.target().content()).isEqualTo("equality delete file");
    assertThat(trial.outcome()).as(trial.toString()).isEqualTo(Outcome.FAILED_NAMING_THE_FILE);
    assertThat(trial.detail())
        .contains("kept reading past its end")
        .contains("Cannot read delete file " + trial.target().location());
  }

  private static void fuzz(FileFormat format) {
    int mutations = Integer.getInteger("floe.fuzz.mutations", DEFAULT_MUTATIONS);
    long seed = Long.getLong("floe.fuzz.seed", 14L);
    long started = System.nanoTime();
    List<Trial> trials = new ArrayList<>();
    int perTable = (mutations + 1) / 2;
    // -Dfloe.fuzz.only=<format version>:<trial>, e.g. 3:412, reads that one trial of a report again
    String only = System.getProperty("floe.fuzz.only");
    for (int version : new int[] {2, 3}) {
      if (only != null && !only.startsWith(version + ":")) {
        continue;
      }
      Table table = table(format, version);
      List<String> expected = DamageFuzzer.rows(table);
      Differential.Case whole = new Differential.Case(table, null, null, null);
      assertThat(expected)
          .as("undamaged %s", table.name())
          .isEqualTo(Differential.genericRows(whole, table.schema()))
          .isNotEmpty();
      DamageFuzzer fuzzer = new DamageFuzzer(table, warehouse.dir(), expected);
      int count = version == 2 ? perTable : mutations - perTable;
      if (only == null) {
        trials.addAll(fuzzer.run(seed + version, 0, count));
      } else {
        trials.addAll(fuzzer.run(seed + version, Integer.parseInt(only.substring(2)), 1));
      }
      // the damage is undone after every read
      assertThat(DamageFuzzer.rows(table)).as("%s after fuzzing", table.name()).isEqualTo(expected);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String report = FuzzReport.markdown(format.toString(), seed, trials, millis);
    FuzzReport.write(
        Path.of(System.getProperty("floe.fuzz.report", "target/fuzz"))
            .resolve(format.toString().toLowerCase(java.util.Locale.ROOT) + ".md"),
        report);
    assertThat(trials).hasSize(only == null ? mutations : 1);
    assertThat(trials.stream().filter(trial -> !trial.outcome().allowed).map(Trial::toString))
        .as(report)
        .isEmpty();
    if (only == null) {
      assertThat(trials).anyMatch(trial -> trial.outcome() == Outcome.FAILED_NAMING_THE_FILE);
    }
  }

  /** The fixture table of that format and version, created by the first test that needs it. */
  private static Table table(FileFormat format, int version) {
    TableIdentifier id =
        TableIdentifier.of("db", "fuzz_" + format.toString().toLowerCase() + "_v" + version);
    if (warehouse.catalog().tableExists(id)) {
      return warehouse.catalog().loadTable(id);
    }
    FixtureOptions options =
        FixtureOptions.defaults()
            .withRows(3_000)
            .withFilesPerPartition(1)
            .withRowGroupBytes(8 * 1024)
            .withFormat(format)
            .withFormatVersion(version);
    return Fixtures.deletes(warehouse.catalog(), id, options);
  }
}
