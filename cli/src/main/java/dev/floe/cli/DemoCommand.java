package dev.floe.cli;

import dev.floe.cli.catalog.CatalogConfig;
import dev.floe.cli.export.ValueText;
import dev.floe.cli.filter.SqlFilter;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Creates sample tables with deletes in an embedded warehouse (Iceberg's JDBC catalog on a SQLite
 * file) if they are not there yet, streams them, and prints what it took.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Create sample tables with position and equality deletes (Parquet and ORC) in the"
            + " default catalog — Iceberg's JDBC catalog on the SQLite file DIR/catalog.db — if"
            + " absent, stream them and print rows, batches, throughput, peak memory and the first"
            + " rows.")
final class DemoCommand implements Callable<Integer> {
  private static final Namespace NAMESPACE = Namespace.of("demo");
  private static final String DEMO_FILTER = "category = 'beta' AND qty < 10";

  @ParentCommand Floe floe;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      defaultValue = "warehouse",
      description = "Warehouse directory (default: ./${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "500000",
      description = "Rows per sample table when it is created (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(
      names = "--batch-size",
      paramLabel = "ROWS",
      defaultValue = "10000",
      description = "Rows per Arrow batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Mixin ProgressOptions progressOptions;

  @Override
  public Integer call() throws Exception {
    if (rows < 0) {
      throw new UsageException("Invalid --rows: " + rows + ", expected >= 0");
    }
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      return demo(home, floe.io().out());
    }
  }

  private int demo(Warehouse home, PrintStream out) throws Exception {
    Catalog catalog = home.catalog();
    out.printf(
        "Warehouse %s (Iceberg JdbcCatalog '%s' on SQLite %s)%n",
        home.dir(), CatalogConfig.DEFAULT_NAME, home.dir().resolve(CatalogConfig.SQLITE_FILE));
    for (FileFormat format : List.of(FileFormat.PARQUET, FileFormat.ORC)) {
      TableIdentifier id = TableIdentifier.of(NAMESPACE, "events_" + format.name().toLowerCase());
      Table table = loadOrCreate(catalog, id, format, out);
      stream(table, out);
    }
    out.printf("%nNext: bin/floe head demo.events_parquet, bin/floe plan demo.events_orc,%n");
    out.printf("      bin/floe export demo.events_parquet --format parquet --out events.parquet%n");
    return Floe.OK;
  }

  private Table loadOrCreate(
      Catalog catalog, TableIdentifier id, FileFormat format, PrintStream out) {
    if (catalog.tableExists(id)) {
      out.printf("%nTable %s exists; reading it as it is.%n", id);
      return catalog.loadTable(id);
    }
    out.printf(
        "%nCreating %s: %,d rows, %s, with position and equality deletes ...%n", id, rows, format);
    out.flush();
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
    CommandIo io = floe.io();
    Progress progress = Progress.create(io, progressOptions.progressEnabled(io), "  streaming  ");
    DataScan scan = DataScan.of(table).withMetadataColumns("_pos");
    if (progress.enabled()) {
      long records = 0;
      long files = 0;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          records += task.file().recordCount();
          files += 1;
        }
      }
      progress.expect(records, files, null);
    }
    out.flush();
    long start = System.nanoTime();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches = scan.toRecordBatches(batchSize, allocator)) {
      String preview = null;
      for (VectorSchemaRoot batch : batches) {
        if (preview == null) {
          preview = preview(batches.icebergSchema(), batch, 5);
        }
        progress.update(
            batches.rowsRead(),
            batches.rowsRead() + batches.deletedRowsSoFar(),
            batches.filesRead(),
            batches.bytesRead());
      }
      progress.done();
      double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
      out.printf("Streamed %s:%n", table.name());
      out.printf("  rows          %,d%n", batches.rowsRead());
      out.printf("  batches       %,d (at most %,d rows each)%n", batches.batchesRead(), batchSize);
      out.printf(
          "  data files    %,d (%s)%n",
          batches.filesRead(), PlanCommand.bytes(batches.bytesRead()));
      out.printf(
          "  deleted rows  %,d (position + equality deletes applied per batch)%n",
          batches.deletedRowsSoFar());
      out.printf(
          "  throughput    %.2f s, %,.0f rows/s, %,.1f MB/s of data files%n",
          seconds, batches.rowsRead() / seconds, batches.bytesRead() / 1e6 / seconds);
      out.printf("  peak Arrow    %.1f MiB%n", allocator.getPeakMemoryAllocation() / 1048576.0);
      out.printf("  peak RSS      %s%n", ProcessMemory.peakRss());
      out.printf("First rows:%n%s", preview == null ? "  (none)\n" : preview);
    }
    filtered(table, out);
  }

  /** A filtered read, to show exact residual filtering with SQL semantics. */
  private void filtered(Table table, PrintStream out) throws Exception {
    Expression filter = SqlFilter.parse(DEMO_FILTER, table.schema(), true);
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches =
            DataScan.of(table)
                .select("id", "category", "qty")
                .filter(filter)
                .toRecordBatches(batchSize, allocator)) {
      for (VectorSchemaRoot ignored : batches) {
        // counting only
      }
      out.printf("Filter %s: %,d rows%n", DEMO_FILTER, batches.rowsRead());
    }
  }

  /** The batch's first rows as an indented text table. */
  private static String preview(Schema schema, VectorSchemaRoot batch, int rows) {
    List<Types.NestedField> columns = schema.columns();
    ValueText[] values = new ValueText[columns.size()];
    List<TextTable.Column> header = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      values[i] = ValueText.of(columns.get(i), batch.getVector(i));
      header.add(TextTable.Column.of(columns.get(i).name(), values[i].isNumeric()));
    }
    StringBuilder text = new StringBuilder();
    TextTable table =
        new TextTable(header, 28, line -> text.append("  ").append(line).append('\n'));
    for (int row = 0; row < Math.min(rows, batch.getRowCount()); row++) {
      String[] cells = new String[values.length];
      for (int i = 0; i < values.length; i++) {
        cells[i] = values[i].text(row);
      }
      table.add(cells);
    }
    table.finish();
    return text.toString();
  }
}
