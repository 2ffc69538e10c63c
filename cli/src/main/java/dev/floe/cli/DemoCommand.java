package dev.floe.cli;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expressions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Creates sample tables with deletes in an embedded warehouse (Iceberg's JDBC catalog on a SQLite
 * file) if they are not there yet, streams them, and prints what it took.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Create sample tables with position and equality deletes in ./warehouse (SQLite JDBC"
            + " catalog) if absent, stream them with Floe and print rows, batches and peak memory.")
final class DemoCommand implements Callable<Integer> {
  private static final Namespace NAMESPACE = Namespace.of("demo");

  @Spec CommandSpec spec;

  @Option(
      names = "--warehouse",
      defaultValue = "warehouse",
      description = "Warehouse directory (default: ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--rows",
      defaultValue = "500000",
      description = "Rows per sample table when it is created (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--batch-size",
      defaultValue = "10000",
      description = "Rows per Arrow batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      return demo(home, out);
    }
  }

  private int demo(Warehouse home, PrintStream out) throws Exception {
    Catalog catalog = home.catalog();
    out.printf(
        "Warehouse %s (Iceberg JdbcCatalog on %s)%n",
        home.dir().toAbsolutePath(), home.dir().resolve("catalog.db"));
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      TableIdentifier id = TableIdentifier.of(NAMESPACE, "events_" + format.name().toLowerCase());
      Table table = loadOrCreate(catalog, id, format, out);
      stream(table, out);
    }
    return 0;
  }

  private Table loadOrCreate(
      Catalog catalog, TableIdentifier id, FileFormat format, PrintStream out) {
    if (catalog.tableExists(id)) {
      out.printf("%nTable %s exists; reading it as it is.%n", id);
      return catalog.loadTable(id);
    }
    out.printf(
        "%nCreating %s: %,d rows, %s, with position and equality deletes ...%n", id, rows, format);
    long start = System.nanoTime();
    Table table =
        Fixtures.deletes(
            catalog,
            id,
            FixtureOptions.defaults().withRows(rows).withFormat(format).withRowGroupBytes(1 << 20));
    out.printf("  written in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return table;
  }

  private void stream(Table table, PrintStream out) throws Exception {
    Progress progress = Progress.forStderr();
    long start = System.nanoTime();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches =
            DataScan.of(table).withMetadataColumns("_pos").toRecordBatches(batchSize, allocator)) {
      String preview = null;
      for (VectorSchemaRoot batch : batches) {
        if (preview == null) {
          preview = preview(batch, 5);
        }
        progress.update(batches.rowsRead(), batches.bytesRead());
      }
      progress.done();
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf("Streamed %s:%n", table.name());
      out.printf("  rows          %,d%n", batches.rowsRead());
      out.printf("  batches       %,d (at most %,d rows each)%n", batches.batchesRead(), batchSize);
      out.printf("  data files    %,d%n", batches.filesRead());
      out.printf(
          "  deleted rows  %,d (position + equality deletes applied per batch)%n",
          batches.deletedRowsSoFar());
      out.printf("  time          %.2f s (%,.0f rows/s)%n", seconds, batches.rowsRead() / seconds);
      out.printf("  peak Arrow    %.1f MiB%n", allocator.getPeakMemoryAllocation() / 1048576.0);
      out.printf("  peak RSS      %s%n", ProcessMemory.peakRss());
      out.printf("First rows:%n%s", preview == null ? "  (none)\n" : preview);
    }
    // a filtered read, to show exact residual filtering
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches =
            DataScan.of(table)
                .select("id", "category", "qty")
                .filter(
                    Expressions.and(
                        Expressions.equal("category", "beta"), Expressions.lessThan("qty", 10)))
                .toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot ignored : batches) {
        // counting only
      }
      out.printf("Filter category = 'beta' AND qty < 10: %,d rows%n", batches.rowsRead());
    }
  }

  private static String preview(VectorSchemaRoot batch, int rows) {
    List<FieldVector> vectors = batch.getFieldVectors();
    StringBuilder text = new StringBuilder();
    for (int row = 0; row < Math.min(rows, batch.getRowCount()); row++) {
      text.append("  ");
      for (int col = 0; col < vectors.size(); col++) {
        if (col > 0) {
          text.append(" | ");
        }
        text.append(vectors.get(col).getField().getName()).append('=');
        Object value = vectors.get(col).getObject(row);
        text.append(value);
      }
      text.append('\n');
    }
    return text.toString();
  }
}
