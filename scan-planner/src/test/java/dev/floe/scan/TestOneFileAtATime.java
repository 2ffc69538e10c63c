package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan holds one data file and its deletes at a time: on a 50-file table the stream's allocator
 * never has more than one open file's child allocator, and the whole read fits in an allocator
 * capped at what ONE file needs, so two files' buffers alive at once would fail.
 */
class TestOneFileAtATime {
  private static final int FILES = 50;
  private static final int BATCH = 1_000;

  @TempDir Path dir;

  @Test
  void fiftyFilesReadUnderTheMemoryOfOne() throws Exception {
    try (Warehouse warehouse = Warehouse.hadoop(dir)) {
      for (FileFormat format : new FileFormat[] {FileFormat.PARQUET, FileFormat.ORC}) {
        Table table =
            Fixtures.manyFiles(
                warehouse.catalog(),
                TableIdentifier.of("db", "many_" + format.name().toLowerCase()),
                FixtureOptions.defaults().withRows(FILES * 2_000L).withFormat(format),
                FILES);
        // the filter's column is not projected, so every file gets scratch vectors of its own
        DataScan scan =
            DataScan.of(table).select("id", "s").filter(Expressions.greaterThan("d", 0.25));
        long onePeak = peakOfFirstFile(scan);
        long rows = 0;
        try (BufferAllocator capped = new RootAllocator(onePeak + onePeak / 2);
            RecordBatchStream stream = scan.toRecordBatches(BATCH, capped)) {
          BufferAllocator scanAllocator = capped.getChildAllocators().iterator().next();
          for (VectorSchemaRoot batch : stream) {
            assertThat(scanAllocator.getChildAllocators()).hasSizeLessThanOrEqualTo(1);
            rows += batch.getRowCount();
          }
          assertThat(stream.filesRead()).isEqualTo(FILES);
          assertThat(capped.getPeakMemoryAllocation()).isLessThanOrEqualTo(onePeak + onePeak / 2);
        }
        assertThat(rows).isEqualTo(Differential.floeRows(scan, 4096).size()).isGreaterThan(0);
      }
    }
  }

  /** Peak allocation while reading the first file (and opening the second). */
  private static long peakOfFirstFile(DataScan scan) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan.toRecordBatches(BATCH, allocator)) {
      while (stream.loadNextBatch() && stream.filesRead() == 1) {
        assertThat(stream.getVectorSchemaRoot().getRowCount()).isPositive();
      }
      assertThat(stream.filesRead()).isEqualTo(2);
      return allocator.getPeakMemoryAllocation();
    }
  }
}
