package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What planning refuses, what a split reports about itself, and which tables a split can be read
 * with: only the one it was planned from (by UUID), while it still has the split's snapshot.
 */
class TestScanSplitsContract {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final TableIdentifier DELETES = TableIdentifier.of("db", "deletes");
  private static final TableIdentifier OTHER = TableIdentifier.of("db", "other");

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options =
        FixtureOptions.defaults().withRows(2_000).withRowGroupBytes(1024).withFilesPerPartition(1);
    Fixtures.deletes(warehouse.catalog(), DELETES, options);
    Fixtures.deletes(warehouse.catalog(), OTHER, options); // same schema and rows, other table
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  private static Table load(TableIdentifier id) {
    return warehouse.catalog().loadTable(id);
  }

  @Test
  void aScanWithALimitIsRefused() {
    DataScan scan = DataScan.of(load(DELETES)).limit(10);
    assertThatThrownBy(() -> scan.planSplits(1 << 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit (10 rows)")
        .hasMessageContaining("engine");
  }

  @Test
  void aTargetOfZeroOrLessIsRefused() {
    DataScan scan = DataScan.of(load(DELETES));
    for (long target : new long[] {0, -1, Long.MIN_VALUE}) {
      assertThatThrownBy(() -> scan.planSplits(target))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Invalid target split size: " + target);
    }
  }

  @Test
  void badScanOptionsFailWhenPlanning() {
    Table table = load(DELETES);
    assertThatThrownBy(() -> DataScan.of(table).select("nope").planSplits(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> DataScan.of(table).useSnapshot(42).planSplits(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid snapshot");
  }

  @Test
  void aTableWithoutSnapshotsHasNoSplits() {
    Catalog catalog = warehouse.catalog();
    Table empty =
        catalog.createTable(
            TableIdentifier.of("db", "empty"),
            new org.apache.iceberg.Schema(
                Types.NestedField.required(1, "id", Types.LongType.get())));
    assertThat(SplitReads.plan(DataScan.of(empty), 1)).isEmpty();
  }

  @Test
  void estimatesAndFilesComeFromTheManifests() throws IOException {
    Table table = load(DELETES);
    long records = 0;
    long bytes = 0;
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        records += task.file().recordCount();
        // Iceberg cuts a file at its split offsets; the range starts at the first row group
        bytes += task.file().fileSizeInBytes() - task.file().splitOffsets().get(0);
        files.add(task.file().location());
      }
    }
    List<ScanSplit> whole = SplitReads.plan(DataScan.of(table), 1L << 30);
    assertThat(whole).hasSize(1);
    assertThat(whole.get(0).estimatedRows()).isEqualTo(records);
    assertThat(whole.get(0).estimatedBytes()).isEqualTo(bytes);
    assertThat(whole.get(0).files()).containsExactlyInAnyOrderElementsOf(files);
    assertThat(whole.get(0).snapshotId()).isEqualTo(table.currentSnapshot().snapshotId());
    assertThat(whole.get(0).tableUuid()).isEqualTo(table.uuid().toString());
    assertThat(whole.get(0).tableName()).isEqualTo(table.name());

    List<ScanSplit> rowGroups = SplitReads.plan(DataScan.of(table), 1);
    assertThat(rowGroups).hasSizeGreaterThan(files.size());
    long estimatedRows = 0;
    List<String> splitFiles = new ArrayList<>();
    for (ScanSplit split : rowGroups) {
      assertThat(split.files()).hasSize(1);
      assertThat(split.estimatedRows()).isPositive();
      assertThat(split.estimatedBytes()).isPositive().isLessThan(bytes);
      estimatedRows += split.estimatedRows();
      splitFiles.addAll(split.files());
    }
    // each range counts its share of its file's records, rounded down
    assertThat(estimatedRows).isBetween(records - rowGroups.size(), records);
    assertThat(splitFiles).containsAll(files);
  }

  @Test
  void splitsOfAnOlderSnapshotReadThatSnapshot() {
    Table table = load(DELETES);
    for (Snapshot snapshot : table.snapshots()) {
      DataScan scan =
          DataScan.of(table).useSnapshot(snapshot.snapshotId()).withMetadataColumns("_pos");
      List<ScanSplit> splits = SplitReads.plan(scan, 1);
      assertThat(splits).allMatch(split -> split.snapshotId() == snapshot.snapshotId());
      assertThat(SplitReads.rows(splits, SplitReads.Trip.JAVA_SERIALIZATION, load(DELETES), 100))
          .isEqualTo(Differential.floeRows(scan, 100));
    }
  }

  @Test
  void aSplitIsReadWithTheSchemaItWasPlannedWith() {
    TableIdentifier id = TableIdentifier.of("db", "evolving");
    Table table =
        Fixtures.deletes(
            warehouse.catalog(),
            id,
            FixtureOptions.defaults().withRows(1_000).withRowGroupBytes(8 * 1024));
    DataScan scan = DataScan.of(table);
    List<String> before = Differential.floeRows(scan, 100);
    List<ScanSplit> splits = SplitReads.plan(scan, 1);
    table
        .updateSchema()
        .addColumn("later", Types.StringType.get())
        .renameColumn("name", "n")
        .commit();
    Table worker = load(id);
    assertThat(worker.schema().findField("later")).isNotNull();
    assertThat(SplitReads.rows(splits, SplitReads.Trip.IN_PROCESS, worker, 100)).isEqualTo(before);
  }

  @Test
  void aSplitOfAnotherTableIsRefused() {
    ScanSplit split = SplitReads.plan(DataScan.of(load(DELETES)), 1L << 30).get(0);
    Table other = load(OTHER);
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> split.open(other, 100, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot read a split of table " + load(DELETES).name())
          .hasMessageContaining(load(DELETES).uuid().toString())
          .hasMessageContaining(other.uuid().toString());
    }
  }

  @Test
  void aSplitOfAnExpiredSnapshotIsRefused() {
    TableIdentifier id = TableIdentifier.of("db", "expiring");
    Table table =
        Fixtures.deletes(warehouse.catalog(), id, FixtureOptions.defaults().withRows(1_000));
    long first = table.history().get(0).snapshotId();
    ScanSplit split = SplitReads.plan(DataScan.of(table).useSnapshot(first), 1L << 30).get(0);
    table.expireSnapshots().expireSnapshotId(first).cleanExpiredFiles(false).commit();
    Table worker = load(id);
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> split.open(worker, 100, allocator))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("snapshot " + first + " is no longer in the table");
    }
  }

  @Test
  void aBadBatchSizeIsRefused() {
    ScanSplit split = SplitReads.plan(DataScan.of(load(DELETES)), 1L << 30).get(0);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int batchSize : new int[] {0, -5, ScanPlan.MAX_BATCH_SIZE + 1}) {
        assertThatThrownBy(() -> split.open(load(DELETES), batchSize, allocator))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("Invalid batch size: " + batchSize);
      }
    }
  }

  @Test
  void aSplitStreamIsAnArrowReaderClosableAtAnyPoint() throws IOException {
    Table table = load(DELETES);
    DataScan scan = DataScan.of(table).filter(Expressions.lessThan("qty", 500));
    ScanSplit split = SplitReads.plan(scan, 1L << 30).get(0);
    try (BufferAllocator allocator = new RootAllocator()) {
      try (RecordBatchStream stream = split.open(table, 10, allocator)) {
        assertThat(stream.loadNextBatch()).isTrue();
        assertThat(stream.getVectorSchemaRoot().getRowCount()).isBetween(1, 10);
        assertThat(allocator.getAllocatedMemory()).isPositive();
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }
}
