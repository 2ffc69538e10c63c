package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream plugs into Arrow Java as an {@link ArrowReader}: Arrow's IPC stream writer and the C
 * stream interface ({@code Data.exportArrayStream}) carry exactly the scan's rows.
 */
class TestArrowInterop {
  @TempDir static Path dir;
  private static Table table;

  @BeforeAll
  static void createTable() throws Exception {
    try (Warehouse warehouse = Warehouse.hadoop(dir)) {
      table =
          Fixtures.deletes(
              warehouse.catalog(),
              TableIdentifier.of("db", "deletes"),
              FixtureOptions.defaults().withRows(3_000));
    }
  }

  private static DataScan scan() {
    return DataScan.of(table).select("id", "category", "amount", "event_ts", "note");
  }

  @Test
  void arrowIpcStreamCarriesTheScan() throws Exception {
    List<String> expected = Differential.floeRows(scan(), 256);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Schema schema;
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream stream = scan().toRecordBatches(256, allocator);
        ArrowStreamWriter writer =
            new ArrowStreamWriter(stream.getVectorSchemaRoot(), null, bytes)) {
      schema = stream.icebergSchema();
      writer.start();
      while (stream.loadNextBatch()) {
        writer.writeBatch();
      }
      writer.end();
    }
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
      assertThat(readAll(reader, schema)).isEqualTo(expected);
    }
  }

  @Test
  void cStreamInterfaceExportsTheScan() throws Exception {
    List<String> expected = Differential.floeRows(scan(), 500);
    try (BufferAllocator allocator = new RootAllocator();
        ArrowArrayStream cStream = ArrowArrayStream.allocateNew(allocator)) {
      Schema schema;
      RecordBatchStream stream = scan().toRecordBatches(500, allocator);
      schema = stream.icebergSchema();
      Data.exportArrayStream(allocator, stream, cStream);
      try (ArrowReader imported = Data.importArrayStream(allocator, cStream)) {
        assertThat(readAll(imported, schema)).isEqualTo(expected);
      }
    }
  }

  private static List<String> readAll(ArrowReader reader, Schema schema) throws Exception {
    List<String> rows = new ArrayList<>();
    while (reader.loadNextBatch()) {
      rows.addAll(Rows.fromBatch(reader.getVectorSchemaRoot(), schema));
    }
    Collections.sort(rows);
    return rows;
  }
}
