package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.FloeException;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An allocator whose limit is smaller than one batch fails the read with a message that names the
 * limit and a batch size to try, not Arrow's bare out-of-memory message, and releases everything.
 */
class TestAllocatorLimit {
  @TempDir static Path dir;

  @Test
  void aLimitTooSmallForABatchNamesTheLimitAndABatchSizeToTry() throws Exception {
    try (Warehouse warehouse = Warehouse.hadoop(dir)) {
      for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
        Table table =
            Fixtures.deletes(
                warehouse.catalog(),
                TableIdentifier.of("db", "limit_" + format.name().toLowerCase(Locale.ROOT)),
                FixtureOptions.defaults().withRows(20_000).withFormat(format));
        try (BufferAllocator allocator = new RootAllocator(64 * 1024)) {
          assertThatThrownBy(
                  () -> {
                    try (RecordBatchStream stream =
                        DataScan.of(table).toRecordBatches(100_000, allocator)) {
                      while (stream.loadNextBatch()) {
                        // reads until the limit is hit
                      }
                    }
                  })
              .as(format.name())
              .isInstanceOf(FloeException.class)
              .hasMessageContaining(table.name())
              .hasMessageContaining("limit of 65,536 bytes")
              .hasMessageContaining("smaller batch size, e.g.");
        } // closing the allocator proves the failed read released every buffer
      }
    }
  }
}
