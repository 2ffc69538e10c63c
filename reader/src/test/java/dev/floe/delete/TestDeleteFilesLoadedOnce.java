package dev.floe.delete;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading the deletes of every data file of a table through one {@link DeleteCache} opens each
 * delete file once — partition-scoped position-delete files and equality-delete files that apply to
 * many data files included — where a cache of 0 bytes opens it once per data file it applies to;
 * and which equality keys probe vectors and which go through Iceberg's row-by-row set.
 */
class TestDeleteFilesLoadedOnce {
  @TempDir static Path dir;
  private static Table deletes;
  private static Table keys;

  @BeforeAll
  static void createTables() {
    Warehouse warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(2_000).withFormat(FileFormat.ORC);
    deletes = Fixtures.deletes(warehouse.catalog(), TableIdentifier.of("db", "deletes"), options);
    keys =
        Fixtures.equalityKeys(
            warehouse.catalog(),
            TableIdentifier.of("db", "keys"),
            options.withFormat(FileFormat.PARQUET));
  }

  @Test
  void aSharedCacheOpensEachDeleteFileOnce() {
    CountingIo io = new CountingIo(deletes.io());
    DeleteCache cache = DeleteCache.withDefaultBound();
    List<FileScanTask> tasks = tasks(deletes);
    for (FileScanTask task : tasks) {
      load(deletes, task, io, cache);
    }
    Map<String, Integer> applications = applications(tasks);
    assertThat(applications.values()).anyMatch(count -> count > 1); // sharing is really tested
    for (String deleteFile : applications.keySet()) {
      assertThat(io.opens(deleteFile)).as(deleteFile).isEqualTo(1);
    }
    assertThat(cache.loads()).isEqualTo(applications.size());
    cache.clear();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void aCacheTooSmallReadsTheDeletesAgainForEveryDataFile() {
    CountingIo io = new CountingIo(deletes.io());
    DeleteCache none = DeleteCache.withMaxBytes(0);
    List<FileScanTask> tasks = tasks(deletes);
    for (FileScanTask task : tasks) {
      load(deletes, task, io, none);
    }
    applications(tasks).forEach((file, count) -> assertThat(io.opens(file)).isEqualTo(count));
    assertThat(none.bytes()).isZero();
  }

  @Test
  void everyPrimitiveKeyButUuidProbesKeyVectors() {
    CountingIo io = new CountingIo(keys.io());
    DeleteCache cache = DeleteCache.withDefaultBound();
    int withUuidKey = 0;
    for (FileScanTask task : tasks(keys)) {
      RowSelector selector = load(keys, task, io, cache);
      boolean uuidDelete =
          task.deletes().stream()
              .anyMatch(
                  d ->
                      d.content() == FileContent.EQUALITY_DELETES
                          && d.equalityFieldIds().equals(List.of(11)));
      assertThat(selector.equalityKeysAppliedByRow()).isEqualTo(uuidDelete ? 1 : 0);
      withUuidKey += uuidDelete ? 1 : 0;
    }
    assertThat(withUuidKey).isPositive();
  }

  private static RowSelector load(Table table, FileScanTask task, FileIO io, DeleteCache cache) {
    return RowSelector.load(
        task.file().location(),
        task.deletes(),
        table.schema(),
        table.schema(),
        Expressions.alwaysTrue(),
        true,
        io,
        cache);
  }

  private static List<FileScanTask> tasks(Table table) {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = table.newScan().planFiles()) {
      planned.forEach(tasks::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }

  /** Delete file location → how many data files it applies to (DVs excluded: one per file). */
  private static Map<String, Integer> applications(List<FileScanTask> tasks) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    for (FileScanTask task : tasks) {
      for (DeleteFile delete : task.deletes()) {
        counts.merge(delete.location(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** The table's FileIO, counting the input files opened per location. */
  private static final class CountingIo implements FileIO {
    private final FileIO delegate;
    private final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

    CountingIo(FileIO delegate) {
      this.delegate = delegate;
    }

    int opens(String location) {
      AtomicInteger count = opens.get(location);
      return count == null ? 0 : count.get();
    }

    @Override
    public InputFile newInputFile(String path) {
      opens.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      return delegate.newInputFile(path);
    }

    @Override
    public InputFile newInputFile(String path, long length) {
      opens.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      return delegate.newInputFile(path, length);
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return delegate.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      delegate.deleteFile(path);
    }
  }
}
