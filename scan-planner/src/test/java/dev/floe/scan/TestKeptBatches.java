package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.CDataDictionaryProvider;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches handed out by reference stay as they were when a consumer keeps them: the Arrow C stream
 * interface exports the stream's buffers without copying (pyarrow's {@code read_all()} keeps every
 * batch), so the next batch must not be decoded into buffers a consumer still holds.
 */
class TestKeptBatches {
  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table parquet;
  private static Table orc;
  private static Table manyParquet;
  private static Table manyOrc;

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions options = FixtureOptions.defaults().withRows(2_000);
    parquet = Fixtures.deletes(warehouse.catalog(), TableIdentifier.of("db", "p"), options);
    orc =
        Fixtures.deletes(
            warehouse.catalog(), TableIdentifier.of("db", "o"), options.withFormat(FileFormat.ORC));
    manyParquet =
        Fixtures.manyFiles(warehouse.catalog(), TableIdentifier.of("db", "mp"), options, 8);
    manyOrc =
        Fixtures.manyFiles(
            warehouse.catalog(),
            TableIdentifier.of("db", "mo"),
            options.withFormat(FileFormat.ORC),
            8);
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  @Test
  void batchesKeptThroughTheCStreamKeepTheirValues() throws Exception {
    for (Table table : List.of(parquet, orc, manyParquet, manyOrc)) {
      for (int parallelism : new int[] {1, 4}) {
        for (int batchSize : new int[] {1, 7, 10_000}) {
          if (batchSize == 1 && parallelism == 4) {
            continue; // 2,000 single-row batches per table once is enough
          }
          DataScan scan = scan(table).parallelism(parallelism);
          assertThat(keptThroughCStream(scan, batchSize))
              .as("%s parallelism %d batch %d", table.name(), parallelism, batchSize)
              .isEqualTo(Differential.floeRows(scan, batchSize));
        }
      }
    }
  }

  @Test
  void batchesExportedOneByOneKeepTheirValues() throws Exception {
    for (Table table : List.of(parquet, orc)) {
      DataScan scan = scan(table);
      List<String> kept = new ArrayList<>();
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream = scan.toRecordBatches(7, allocator)) {
        Schema schema = stream.icebergSchema();
        List<ArrowArray> arrays = new ArrayList<>();
        List<ArrowSchema> schemas = new ArrayList<>();
        try {
          // a consumer that holds every exported batch before importing any of them
          for (VectorSchemaRoot batch : stream) {
            ArrowArray array = ArrowArray.allocateNew(allocator);
            ArrowSchema arrowSchema = ArrowSchema.allocateNew(allocator);
            Data.exportVectorSchemaRoot(allocator, batch, null, array, arrowSchema);
            arrays.add(array);
            schemas.add(arrowSchema);
          }
          for (int i = 0; i < arrays.size(); i++) {
            try (CDataDictionaryProvider provider = new CDataDictionaryProvider();
                VectorSchemaRoot imported =
                    Data.importVectorSchemaRoot(
                        allocator, arrays.get(i), schemas.get(i), provider)) {
              kept.addAll(Rows.fromBatch(imported, schema));
            }
          }
        } finally {
          arrays.forEach(ArrowArray::close);
          schemas.forEach(ArrowSchema::close);
        }
      }
      Collections.sort(kept);
      assertThat(kept).as(table.name()).isEqualTo(Differential.floeRows(scan, 7));
    }
  }

  @Test
  void buffersAreReusedWhenNobodyKeepsABatch() {
    for (Table table : List.of(parquet, orc)) {
      Set<Long> addresses = new HashSet<>();
      long batches = 0;
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream stream = scan(table).toRecordBatches(7, allocator)) {
        for (VectorSchemaRoot batch : stream) {
          addresses.add(batch.getVector("id").getDataBuffer().memoryAddress());
          batches++;
        }
      }
      assertThat(batches).isGreaterThan(100);
      assertThat(addresses).as("%s: one reused buffer", table.name()).hasSize(1);
    }
  }

  private static DataScan scan(Table table) {
    return DataScan.of(table).withMetadataColumns("_file", "_pos");
  }

  /**
   * Exports the scan through the C stream interface, imports it, keeps every imported batch (moved
   * out by transfer, as the README advises) and returns the kept rows after the stream ended,
   * sorted; also checks they equal what each batch held when it was imported.
   */
  private static List<String> keptThroughCStream(DataScan scan, int batchSize) throws Exception {
    List<String> whenImported = new ArrayList<>();
    List<String> atEnd = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        ArrowArrayStream cStream = ArrowArrayStream.allocateNew(allocator)) {
      RecordBatchStream stream = scan.toRecordBatches(batchSize, allocator);
      Schema schema = stream.icebergSchema();
      Data.exportArrayStream(allocator, stream, cStream);
      List<VectorSchemaRoot> kept = new ArrayList<>();
      try (ArrowReader imported = Data.importArrayStream(allocator, cStream)) {
        VectorSchemaRoot root = imported.getVectorSchemaRoot();
        while (imported.loadNextBatch()) {
          whenImported.addAll(Rows.fromBatch(root, schema));
          kept.add(keep(root, allocator));
        }
        for (VectorSchemaRoot batch : kept) {
          atEnd.addAll(Rows.fromBatch(batch, schema));
        }
      } finally {
        kept.forEach(VectorSchemaRoot::close);
      }
    }
    assertThat(atEnd).isEqualTo(whenImported);
    Collections.sort(atEnd);
    return atEnd;
  }

  private static VectorSchemaRoot keep(VectorSchemaRoot root, BufferAllocator allocator) {
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector vector : root.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(allocator);
      transfer.transfer();
      vectors.add((FieldVector) transfer.getTo());
    }
    VectorSchemaRoot batch = new VectorSchemaRoot(vectors);
    batch.setRowCount(vectors.isEmpty() ? 0 : vectors.get(0).getValueCount());
    return batch;
  }
}
