package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.io.MetadataTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseCombinedScanTask;
import org.apache.iceberg.CombinedScanTask;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splits are planned as they are consumed: one split is built per task Iceberg's planning hands
 * over, and taking the first split of a table of 60 manifests opens only a few of them.
 */
class TestScanSplitsPlanLazily {
  private static final int MANIFESTS = 60;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table manyManifests;

  @BeforeAll
  static void createTable() {
    warehouse = Warehouse.hadoop(dir);
    Table files =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "files"),
            FixtureOptions.defaults().withRows(MANIFESTS * 10L),
            MANIFESTS);
    manyManifests =
        warehouse
            .catalog()
            .createTable(TableIdentifier.of("db", "many_manifests"), files.schema(), files.spec());
    for (DataFile file : dataFiles(files)) {
      manyManifests.newFastAppend().appendFile(file).commit(); // one manifest per commit
    }
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  private static List<DataFile> dataFiles(Table table) {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(DataFiles.builder(table.spec()).copy(task.file()).build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  @Test
  void oneSplitIsBuiltPerTaskTakenFromThePlan() throws IOException {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = manyManifests.newScan().planFiles()) {
      planned.forEach(tasks::add);
    }
    AtomicInteger taken = new AtomicInteger();
    AtomicBoolean closed = new AtomicBoolean();
    CloseableIterable<CombinedScanTask> endless =
        failingPast(tasks, 3, taken, closed); // a plan that fails if a 4th task is taken
    ScanPlan plan = ScanPlan.create(manyManifests, ScanOptions.defaults(), 1);
    SplitScan shared =
        SplitScan.of(manyManifests, plan, manyManifests.currentSnapshot().snapshotId());
    try (CloseableIterable<ScanSplit> splits = SplitPlanner.splits(shared, endless)) {
      Iterator<ScanSplit> iterator = splits.iterator();
      for (int i = 0; i < 3; i++) {
        assertThat(iterator.next().tasks()).containsExactly(tasks.get(i));
        assertThat(taken).hasValue(i + 1);
      }
    }
    assertThat(closed).isTrue();
  }

  @Test
  void theFirstSplitOpensFewManifests() throws IOException {
    CountingFileIO io = new CountingFileIO();
    String metadata =
        ((HasTableOperations) manyManifests).operations().current().metadataFileLocation();
    Table counted = MetadataTables.loadTable(metadata, io);
    try (CloseableIterable<ScanSplit> splits = DataScan.of(counted).planSplits(1)) {
      Iterator<ScanSplit> iterator = splits.iterator();
      assertThat(iterator.hasNext()).isTrue();
      iterator.next();
      // Iceberg's bin packing holds up to read.split.planning-lookback (10) open bins before it
      // hands out the first, and its planning threads read a few manifests ahead.
      assertThat(io.manifests.get()).isBetween(1, 20);
      int count = 1;
      while (iterator.hasNext()) {
        iterator.next();
        count++;
      }
      assertThat(count).isEqualTo(MANIFESTS);
      assertThat(io.manifests.get()).isEqualTo(MANIFESTS);
    }
  }

  private static CloseableIterable<CombinedScanTask> failingPast(
      List<FileScanTask> tasks, int most, AtomicInteger taken, AtomicBoolean closed) {
    return new CloseableIterable<>() {
      @Override
      public CloseableIterator<CombinedScanTask> iterator() {
        return new CloseableIterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public CombinedScanTask next() {
            int index = taken.getAndIncrement();
            if (index >= most) {
              throw new AssertionError("The plan was consumed past " + most + " tasks");
            }
            return new BaseCombinedScanTask(List.of(tasks.get(index)));
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
  }

  /** Counts the manifests (Avro files other than manifest lists) opened through it. */
  private static final class CountingFileIO implements FileIO {
    private final FileIO delegate = new HadoopFileIO(new Configuration());
    private final AtomicInteger manifests = new AtomicInteger();

    @Override
    public InputFile newInputFile(String path) {
      count(path);
      return delegate.newInputFile(path);
    }

    @Override
    public InputFile newInputFile(String path, long length) {
      count(path);
      return delegate.newInputFile(path, length);
    }

    private void count(String path) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (name.endsWith(".avro") && !name.startsWith("snap-")) {
        manifests.incrementAndGet();
      }
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return delegate.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      delegate.deleteFile(path);
    }

    @Override
    public Map<String, String> properties() {
      return delegate.properties();
    }
  }
}
