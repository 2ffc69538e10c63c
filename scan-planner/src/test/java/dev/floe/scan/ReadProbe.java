package dev.floe.scan;

import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Reads a table of a Hadoop warehouse in a JVM of its own and prints how the read ended, one line:
 * {@code ROWS n}, or {@code FAILED <exception>: <message>}, then {@code LEFT <what>} if a buffer,
 * reader thread or file of the warehouse is still held afterwards. For reads that need other
 * process rights than the tests' (a file that cannot be read, for a user who may read everything).
 *
 * <p>Arguments: warehouse directory, table name ({@code db.table}), parallelism.
 */
public final class ReadProbe {
  private ReadProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int parallelism = Integer.parseInt(args[2]);
    try (Warehouse warehouse = Warehouse.hadoop(dir)) {
      Table table = warehouse.catalog().loadTable(TableIdentifier.parse(args[1]));
      BufferAllocator allocator = new RootAllocator();
      long rows = 0;
      String ending;
      try (RecordBatchStream stream =
          DataScan.of(table).parallelism(parallelism).toRecordBatches(500, allocator)) {
        for (VectorSchemaRoot batch : stream) {
          rows += batch.getRowCount();
        }
        ending = "ROWS " + rows;
      } catch (RuntimeException e) {
        ending = "FAILED " + e.getClass().getName() + ": " + e.getMessage();
      }
      System.out.println(ending.replace('\n', ' '));
      try {
        allocator.close();
      } catch (IllegalStateException e) {
        System.out.println("LEFT buffers: " + e.getMessage().replace('\n', ' '));
      }
      List<String> left = Leaks.awaitNoneLeft(dir, 1_000);
      if (!left.isEmpty()) {
        System.out.println("LEFT " + left);
      }
    }
  }
}
