package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The nested fixture table (structs, lists and maps at every depth, some lists of up to 1,000
 * elements, position and equality deletes), larger than the child's heap, streamed by a child JVM
 * under the suite's usual limits ({@code -Xmx128m}, 128 MiB direct memory, a 96 MiB allocator): it
 * completes with the rows and checksum of the same read without limits in this JVM (whose row count
 * equals IcebergGenerics'), under the streaming RSS budget.
 */
@ExtendWith(CiSuite.class)
final class TestNestedTableInBoundedMemory {
  private static final long ROWS = 300_000;

  /**
   * Rows per batch: a tenth of the suite's, since a row here holds up to several thousand values
   * (the memory model is batch size times row width, see the README's Memory model).
   */
  private static final int BATCH = CiSuite.BATCH / 10;

  @TempDir static Path dir;

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"PARQUET", "ORC"})
  void aNestedTableWithLongListsStreamsUnderTheUsualLimits(FileFormat format, MemorySuite suite)
      throws IOException {
    Path warehousePath = dir.resolve(format.name().toLowerCase(Locale.ROOT));
    String name = "db.nested_" + format.name().toLowerCase(Locale.ROOT);
    TableReads.Progress reference = new TableReads.Progress();
    long dataBytes = 0;
    try (Warehouse warehouse = Warehouse.hadoop(warehousePath)) {
      Table table =
          Fixtures.nested(
              warehouse.catalog(),
              TableIdentifier.parse(name),
              FixtureOptions.defaults()
                  .withRows(ROWS)
                  .withFormat(format)
                  .withRowGroupBytes(CiSuite.ROW_GROUP_BYTES));
      long unlimitedArrowPeak;
      try (BufferAllocator allocator = new RootAllocator()) {
        TableReads.read(table, ReadMode.FLOE_STREAMING, BATCH, allocator, reference);
        unlimitedArrowPeak = allocator.getPeakMemoryAllocation();
      }
      System.out.printf(
          "%s nested table, batch %d, no limits: Arrow peak %,d%n",
          format, BATCH, unlimitedArrowPeak);
      long generics = 0;
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        for (Record ignored : records) {
          generics++;
        }
      }
      assertThat(reference.rows).isEqualTo(generics).isPositive();
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          DataFile file = task.file();
          dataBytes += file.fileSizeInBytes();
        }
      }
    }
    RunResult run =
        new ChildJvm(dir.resolve("logs"), Duration.ofMinutes(10))
            .run(
                new ReadRequest(
                    warehousePath,
                    name,
                    ReadMode.FLOE_STREAMING,
                    BATCH,
                    CiSuite.LIMITS.allocatorBytes()),
                CiSuite.LIMITS);
    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.COMPLETED);
    assertThat(run.rows()).isEqualTo(reference.rows);
    assertThat(run.checksum()).isNotZero().isEqualTo(reference.checksum);
    long budget = CiSuite.rssBudget(suite);
    assertThat(run.peakRssBytes()).as(run.describe()).isLessThan(budget);
    System.out.printf(
        "%s nested table: %,d rows, %,d bytes of data files; child (-Xmx128m) peak RSS %,d (budget"
            + " %,d), Arrow peak %,d%n",
        format, run.rows(), dataBytes, run.peakRssBytes(), budget, run.report().arrowPeakBytes());
  }
}
