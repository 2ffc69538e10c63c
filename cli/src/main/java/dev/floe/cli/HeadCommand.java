package dev.floe.cli;

import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.TableOptions.OpenTable;
import dev.floe.cli.export.ValueText;
import dev.floe.scan.RecordBatchStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Prints the first rows of a table as an aligned text table, streamed: column widths come from the
 * first rows, so any number of rows prints in bounded memory.
 */
@Command(
    name = "head",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Print the first rows of a table as an aligned text table.",
    footer = {
      "",
      "Examples:",
      "  floe head demo.events_parquet -n 5",
      "  floe head demo.events_orc --select id,category,qty --filter \"category = 'beta'\""
    })
final class HeadCommand implements Callable<Integer> {
  @ParentCommand Floe floe;

  @Parameters(index = "0", paramLabel = "TABLE", description = TableOptions.TABLE_DESCRIPTION)
  String table;

  @Option(
      names = {"-n", "--rows"},
      paramLabel = "N",
      defaultValue = "20",
      description = "Rows to print (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--max-width",
      paramLabel = "CHARS",
      defaultValue = "40",
      description = "Cut longer cells (default: ${DEFAULT-VALUE}).")
  int maxWidth;

  @Mixin TableOptions tableOptions;
  @Mixin ScanArguments scan;

  @Override
  public Integer call() throws Exception {
    if (rows < 0) {
      throw new UsageException("Invalid --rows: " + rows + ", expected >= 0");
    }
    if (maxWidth < 4) {
      throw new UsageException("Invalid --max-width: " + maxWidth + ", expected >= 4");
    }
    long limit = scan.limit == null ? rows : Math.min(rows, scan.limit);
    try (OpenTable open = tableOptions.open(table)) {
      ResolvedScan resolved = scan.resolve(open.table(), limit);
      try (BufferAllocator allocator = new RootAllocator();
          RecordBatchStream batches =
              resolved.open((int) Math.max(1, Math.min(limit, 10_000)), allocator)) {
        PrintStream out = floe.io().out();
        long printed = print(batches, maxWidth, out);
        out.printf("(%,d %s)%n", printed, printed == 1 ? "row" : "rows");
      }
    }
    return Floe.OK;
  }

  /**
   * Prints the stream's rows (its limit bounds how many) as a text table while reading them: what
   * is held at once is one batch and the table's window of rows, not every row. Stops early when
   * standard output's reader went away ({@code | head}).
   *
   * @return the rows printed
   */
  static long print(RecordBatchStream batches, int maxWidth, PrintStream out) {
    Schema schema = batches.icebergSchema();
    List<Types.NestedField> columns = schema.columns();
    Consumer<String> lines = line -> out.append(line).append('\n');
    TextTable text = null;
    for (VectorSchemaRoot batch : batches) {
      ValueText[] values = new ValueText[columns.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = ValueText.of(columns.get(i), batch.getVector(i));
      }
      if (text == null) {
        text = new TextTable(tableColumns(columns, values), maxWidth, lines);
      }
      for (int row = 0; row < batch.getRowCount(); row++) {
        String[] cells = new String[values.length];
        for (int i = 0; i < values.length; i++) {
          cells[i] = values[i].text(row);
        }
        text.add(cells);
      }
      if (out.checkError()) {
        return text.rowCount(); // the reader closed the pipe; nobody is reading the rest
      }
    }
    if (text == null) {
      text = new TextTable(tableColumns(columns, null), maxWidth, lines);
    }
    text.finish();
    return text.rowCount();
  }

  /** Numbers right-aligned (once there are values to tell), file paths cut keeping the name. */
  private static List<TextTable.Column> tableColumns(
      List<Types.NestedField> columns, ValueText[] values) {
    List<TextTable.Column> result = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField column = columns.get(i);
      result.add(
          new TextTable.Column(
              column.name(),
              values != null && values[i].isNumeric(),
              column.fieldId() == MetadataColumns.FILE_PATH.fieldId()));
    }
    return result;
  }
}
