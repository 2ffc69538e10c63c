package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fixture kind — v2 position and equality deletes, v3 deletion vectors, schema and partition
 * evolution, many small files, big files of many row groups / stripes with deletes, a table mixing
 * Parquet and ORC files — planned as splits at targets of 1 byte, 1 MiB, 64 MiB and 1 GiB: the rows
 * of all splits, each read by a "worker" with its own table handle after each trip (in process,
 * Java serialization, JSON), are the scan's rows as a multiset, {@code _file} and {@code _pos}
 * included. At 1 byte every row group / stripe is a split of its own.
 */
class TestScanSplitsCoverTheScan {
  private static final long[] TARGETS = {1, 1L << 20, 64L << 20, 1L << 30};

  /** Filtered scans: one split per row group, and several files per split. */
  private static final long[] FILTERED_TARGETS = {1, 64L << 20};

  private static final int BATCH = 333;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<TableIdentifier> TABLES = new ArrayList<>();

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    Catalog catalog = warehouse.catalog();
    FixtureOptions small = FixtureOptions.defaults().withRows(2_000).withRowGroupBytes(8 * 1024);
    // One file per partition and append, of 2,000 rows in 2 KiB row groups / stripes: many
    // row groups per file, with position deletes, DVs and equality deletes on them.
    FixtureOptions bigFiles =
        FixtureOptions.defaults()
            .withRows(16_000)
            .withRowGroupBytes(2 * 1024)
            .withFilesPerPartition(1);
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      String suffix = "_" + format.name().toLowerCase();
      FixtureOptions options = small.withFormat(format);
      create(catalog, "deletes_v2" + suffix, id -> Fixtures.deletes(catalog, id, options));
      create(
          catalog,
          "deletes_v3" + suffix,
          id -> Fixtures.deletes(catalog, id, options.withFormatVersion(3)));
      create(catalog, "evolution" + suffix, id -> Fixtures.evolution(catalog, id, options));
      create(
          catalog,
          "many_files" + suffix,
          id -> Fixtures.manyFiles(catalog, id, options.withFormatVersion(3), 40));
      create(
          catalog,
          "big_files" + suffix,
          id -> Fixtures.deletes(catalog, id, bigFiles.withFormat(format)));
    }
    create(
        catalog,
        "evolution_v3_parquet",
        id -> Fixtures.evolution(catalog, id, small.withFormatVersion(3)));
    TABLES.add(mixedFormats(catalog));
  }

  private interface Creation {
    Table create(TableIdentifier id);
  }

  private static void create(Catalog catalog, String name, Creation creation) {
    TableIdentifier id = TableIdentifier.of("db", name);
    creation.create(id);
    TABLES.add(id);
  }

  /** The Parquet deletes table plus, in a later append, the data files of the ORC one. */
  private static TableIdentifier mixedFormats(Catalog catalog) {
    TableIdentifier id = TableIdentifier.of("db", "mixed_formats");
    Table mixed =
        Fixtures.deletes(
            catalog, id, FixtureOptions.defaults().withRows(2_000).withFilesPerPartition(1));
    Table orc = catalog.loadTable(TableIdentifier.of("db", "deletes_v2_orc"));
    AppendFiles append = mixed.newFastAppend();
    try (CloseableIterable<FileScanTask> tasks = orc.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file =
            DataFiles.builder(mixed.specs().get(task.file().specId())).copy(task.file()).build();
        append.appendFile(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    append.commit();
    return id;
  }

  /**
   * The data files of the v2 Parquet and ORC deletes tables, without their split offsets (as some
   * writers leave them): Iceberg cuts them at fixed byte ranges, through row groups and stripes.
   */
  private static TableIdentifier withoutSplitOffsets(Catalog catalog) {
    TableIdentifier id = TableIdentifier.of("db", "no_split_offsets");
    Table source = catalog.loadTable(TableIdentifier.of("db", "deletes_v2_parquet"));
    Table table = catalog.createTable(id, source.schema(), source.spec());
    AppendFiles append = table.newFastAppend();
    for (String name : List.of("deletes_v2_parquet", "deletes_v2_orc")) {
      try (CloseableIterable<FileScanTask> tasks =
          catalog.loadTable(TableIdentifier.of("db", name)).newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          append.appendFile(
              DataFiles.builder(table.spec()).copy(task.file()).withSplitOffsets(null).build());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    append.commit();
    return id;
  }

  @TestFactory
  Stream<DynamicTest> filesWithoutSplitOffsetsAreCutAtByteRanges() {
    TableIdentifier id = withoutSplitOffsets(warehouse.catalog());
    return Stream.of(
        DynamicTest.dynamicTest(
            id.name(),
            () -> {
              Table table = warehouse.catalog().loadTable(id);
              DataScan scan = DataScan.of(table).withMetadataColumns("_file", "_pos");
              List<ScanSplit> splits = SplitReads.plan(scan, 1024);
              assertThat(splits).allMatch(split -> split.estimatedBytes() <= 1024);
              List<String> expected = Differential.floeRows(scan, 4096);
              assertThat(SplitReads.rows(splits, SplitReads.Trip.JSON, table, BATCH))
                  .isEqualTo(expected);
              assertSplitsCover(scan, id, new long[] {64L << 20});
            }));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @TestFactory
  Stream<DynamicTest> splitsHoldEveryRowOfTheScanOnce() {
    List<DynamicTest> tests = new ArrayList<>();
    for (TableIdentifier id : TABLES) {
      tests.add(
          DynamicTest.dynamicTest(
              id.name(),
              () -> {
                Table table = warehouse.catalog().loadTable(id);
                assertSplitsCover(DataScan.of(table).withMetadataColumns("_file", "_pos"), id);
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> filteredProjectedSplitsHoldTheScansRows() {
    List<DynamicTest> tests = new ArrayList<>();
    for (TableIdentifier id : TABLES) {
      tests.add(
          DynamicTest.dynamicTest(
              id.name(),
              () -> {
                Table table = warehouse.catalog().loadTable(id);
                for (Expression filter : filters(id)) {
                  DataScan scan = DataScan.of(table).select("_pos", "id").filter(filter);
                  assertSplitsCover(scan, id, FILTERED_TARGETS);
                }
              }));
    }
    return tests.stream();
  }

  private static List<Expression> filters(TableIdentifier id) {
    Expression ids = Expressions.lessThan("id", 700L);
    if (id.name().contains("deletes") || id.name().contains("big") || id.name().contains("mixed")) {
      // a partition filter, a filter on a column not read, and one mixing both
      return List.of(
          ids,
          Expressions.equal("category", "beta"),
          Expressions.lessThan("qty", 100),
          Expressions.or(Expressions.isNull("category"), Expressions.greaterThan("qty", 900)));
    }
    if (id.name().contains("evolution")) {
      return List.of(ids, Expressions.isNull("added"), Expressions.greaterThan("a", 5L));
    }
    return List.of(ids, Expressions.greaterThan("d", 0.25));
  }

  private static void assertSplitsCover(DataScan scan, TableIdentifier id) {
    assertSplitsCover(scan, id, TARGETS);
  }

  private static void assertSplitsCover(DataScan scan, TableIdentifier id, long[] targets) {
    List<String> expected = Differential.floeRows(scan, 4096);
    assertThat(expected).as("rows of %s", id).isNotEmpty();
    Table worker = warehouse.catalog().loadTable(id);
    for (long target : targets) {
      List<ScanSplit> splits = SplitReads.plan(scan, target);
      if (target == 1) {
        assertOneSplitPerRowGroup(scan, splits);
      }
      for (SplitReads.Trip trip : SplitReads.Trip.values()) {
        List<String> actual = SplitReads.rows(splits, trip, worker, BATCH);
        String description =
            String.format(
                "%s target=%d trip=%s splits=%d", scan.table().name(), target, trip, splits.size());
        assertThat(actual).as(description).hasSize(expected.size());
        assertThat(actual).as(description).isEqualTo(expected);
      }
    }
  }

  /** With a 1-byte target, each split is one row group / stripe of one file. */
  private static void assertOneSplitPerRowGroup(DataScan scan, List<ScanSplit> splits) {
    long rowGroups = 0;
    int mostInAFile = 0;
    try (CloseableIterable<FileScanTask> tasks =
        scan.table().newScan().filter(scan.options().filter()).planFiles()) {
      for (FileScanTask task : tasks) {
        List<Long> offsets = task.file().splitOffsets();
        assertThat(offsets).as("split offsets of %s", task.file().location()).isNotNull();
        rowGroups += offsets.size();
        mostInAFile = Math.max(mostInAFile, offsets.size());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(splits).hasSize((int) rowGroups);
    for (ScanSplit split : splits) {
      assertThat(split.tasks()).hasSize(1);
    }
    if (scan.table().name().contains("big_files")) {
      assertThat(mostInAFile)
          .as("row groups / stripes in the largest file")
          .isGreaterThanOrEqualTo(8);
    }
  }
}
