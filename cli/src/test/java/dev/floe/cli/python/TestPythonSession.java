package dev.floe.cli.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade the Python package calls: scans exported through the C stream interface as a consumer
 * in another allocator (like pyarrow) imports them, kept batches outliving the scan, the counters
 * back at zero, and errors as one-line usage or read failures.
 */
class TestPythonSession {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static String location;

  @BeforeAll
  static void createTable() {
    warehouse = Warehouse.hadoop(dir);
    Fixtures.deletes(
        warehouse.catalog(),
        TableIdentifier.of("db", "t"),
        FixtureOptions.defaults().withRows(3_000));
    location = dir.resolve("db/t").toString();
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void keptBatchesOutliveTheReleasedStream() throws Exception {
    try (PythonSession session = new PythonSession(Long.MAX_VALUE);
        PythonTable table = session.loadTable(location, null, null);
        BufferAllocator consumer = new RootAllocator();
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(consumer)) {
      session.scan(
          table, new String[] {"id"}, "id < 2000", null, null, 100, stream.memoryAddress());
      assertThat(session.openScans()).isEqualTo(1);
      List<VectorSchemaRoot> kept = new ArrayList<>();
      long rows = 0;
      try (ArrowReader reader = Data.importArrayStream(consumer, stream)) {
        while (reader.loadNextBatch()) {
          kept.add(keep(reader.getVectorSchemaRoot(), consumer));
        }
        assertThat(session.openScans()).as("closed at its end, before the release").isZero();
      }
      long sum = 0;
      for (VectorSchemaRoot batch : kept) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        for (int i = 0; i < batch.getRowCount(); i++) {
          assertThat(ids.get(i)).isLessThan(2000);
          sum += ids.get(i);
          rows++;
        }
      }
      assertThat(rows).isPositive();
      assertThat(sum).isEqualTo(expectedSum(session, table));
      kept.forEach(VectorSchemaRoot::close);
      assertThat(session.allocatedBytes()).isZero();
    }
  }

  @Test
  void errorsAreOneLineAndTellUsageFromFailure() {
    try (PythonSession session = new PythonSession(Long.MAX_VALUE);
        PythonTable table = session.loadTable(location, null, null)) {
      assertThatThrownBy(() -> session.scan(table, null, "categry = 'a'", null, null, 10, 0))
          .isInstanceOfSatisfying(
              PythonException.class,
              e -> {
                assertThat(e.isUsage()).isTrue();
                assertThat(e.getMessage())
                    .startsWith("Invalid filter: unknown column 'categry' at position 1");
              });
      assertThatThrownBy(() -> session.scan(table, new String[] {"nope"}, null, null, null, 10, 0))
          .isInstanceOfSatisfying(
              PythonException.class, e -> assertThat(e.getMessage()).contains("'nope'"));
      assertThatThrownBy(() -> session.loadTable("db.t", Map.of("uri", "ftp://x"), null))
          .isInstanceOfSatisfying(
              PythonException.class,
              e -> assertThat(e.getMessage()).contains("cannot tell the catalog type"));
      assertThat(session.openScans()).isZero();
      assertThat(session.allocatedBytes()).isZero();
    }
  }

  @Test
  void theCatalogClosesAfterTheLastScanOfItsTable() throws Exception {
    try (PythonSession session = new PythonSession(Long.MAX_VALUE);
        BufferAllocator consumer = new RootAllocator();
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(consumer)) {
      PythonTable table = session.loadTable(location, null, null);
      session.scan(table, null, null, null, null, 1_000, stream.memoryAddress());
      table.close(); // the Python Table was garbage collected before its reader
      assertThatThrownBy(() -> session.scan(table, null, null, null, null, 10, 0))
          .isInstanceOf(PythonException.class)
          .hasMessageContaining("it is closed");
      long rows = 0;
      try (ArrowReader reader = Data.importArrayStream(consumer, stream)) {
        while (reader.loadNextBatch()) {
          rows += reader.getVectorSchemaRoot().getRowCount();
        }
      }
      assertThat(rows).isPositive();
      assertThat(session.openScans()).isZero();
    }
  }

  private static long expectedSum(PythonSession session, PythonTable table) throws Exception {
    long sum = 0;
    try (BufferAllocator consumer = new RootAllocator();
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(consumer)) {
      session.scan(table, new String[] {"id"}, null, null, null, 10_000, stream.memoryAddress());
      try (ArrowReader reader = Data.importArrayStream(consumer, stream)) {
        while (reader.loadNextBatch()) {
          BigIntVector ids = (BigIntVector) reader.getVectorSchemaRoot().getVector("id");
          for (int i = 0; i < ids.getValueCount(); i++) {
            sum += ids.get(i) < 2000 ? ids.get(i) : 0;
          }
        }
      }
    }
    return sum;
  }

  private static VectorSchemaRoot keep(VectorSchemaRoot root, BufferAllocator allocator) {
    List<org.apache.arrow.vector.FieldVector> vectors = new ArrayList<>();
    for (org.apache.arrow.vector.FieldVector vector : root.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(allocator);
      transfer.transfer();
      vectors.add((org.apache.arrow.vector.FieldVector) transfer.getTo());
    }
    VectorSchemaRoot batch = new VectorSchemaRoot(vectors);
    batch.setRowCount(vectors.get(0).getValueCount());
    return batch;
  }
}
