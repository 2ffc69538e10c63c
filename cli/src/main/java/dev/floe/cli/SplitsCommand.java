package dev.floe.cli;

import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.cli.TableOptions.OpenTable;
import dev.floe.scan.ScanSplit;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.PropertyUtil;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Plans a scan as splits and prints each as one line of JSON, for shell-based fan-out: each line is
 * read back by {@code floe export TABLE --split FILE|-}. Reads manifests only, as the splits are
 * printed.
 */
@Command(
    name = "splits",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plan a scan as splits of about --target-mb each and print each split as one line of"
          + " JSON. Large files are cut at row groups / stripes, small files combined; together"
          + " the splits hold every row of the scan once.",
      "Read a split with: floe export TABLE --split FILE|- (same table, any format)."
    },
    footer = {
      "",
      "Examples:",
      "  floe splits demo.events_parquet --target-mb 64 > splits.jsonl",
      "  split -l 1 -d splits.jsonl part-; ls part-* | xargs -P 4 -I{} \\",
      "      floe export demo.events_parquet --split {} --format parquet -o {}.parquet",
      "  floe splits demo.events_orc --filter \"category = 'beta'\" --select id,qty | head -1 \\",
      "      | floe export demo.events_orc --split - --format jsonl -"
    })
final class SplitsCommand implements Callable<Integer> {
  private static final long MIB = 1024L * 1024L;

  @ParentCommand Floe floe;

  @Parameters(index = "0", paramLabel = "TABLE", description = TableOptions.TABLE_DESCRIPTION)
  String table;

  @Option(
      names = "--target-mb",
      paramLabel = "MIB",
      description =
          "Target split size in MiB (default: the table's read.split.target-size, else 128)."
              + " Each file range weighs at least the table's read.split.open-file-cost.")
  Long targetMib;

  @Option(
      names = {"-q", "--quiet"},
      description = "No summary on stderr.")
  boolean quiet;

  @Mixin TableOptions tableOptions;
  @Mixin ScanArguments scan;

  @Override
  public Integer call() throws Exception {
    if (targetMib != null && (targetMib < 1 || targetMib > 1024L * 1024L)) {
      throw new UsageException(
          "Invalid --target-mb: " + targetMib + ", expected 1 to 1048576 (1 TiB)");
    }
    try (OpenTable open = tableOptions.open(table)) {
      ResolvedScan resolved = scan.resolve(open.table(), null);
      long target = targetMib != null ? targetMib * MIB : defaultTarget(open.table());
      PrintStream out = floe.io().out();
      long splits = 0;
      long bytes = 0;
      long rows = 0;
      try (CloseableIterable<ScanSplit> planned = plan(resolved, target)) {
        for (ScanSplit split : planned) {
          out.println(split.toJson());
          splits += 1;
          bytes += split.estimatedBytes();
          rows += split.estimatedRows();
        }
      }
      out.flush();
      if (!quiet) {
        floe.io()
            .err()
            .printf(
                "Planned %,d %s of %s (target %s): %s of data files, ~%,d rows before"
                    + " deletes%n",
                splits,
                splits == 1 ? "split" : "splits",
                open.table().name(),
                PlanCommand.bytes(target),
                PlanCommand.bytes(bytes),
                rows);
      }
    }
    return Floe.OK;
  }

  private static CloseableIterable<ScanSplit> plan(ResolvedScan resolved, long target) {
    try {
      return resolved.dataScan().planSplits(target);
    } catch (IllegalArgumentException e) {
      // a --limit, or a column or filter that does not fit the table
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static long defaultTarget(Table table) {
    return PropertyUtil.propertyAsLong(
        table.properties(), TableProperties.SPLIT_SIZE, TableProperties.SPLIT_SIZE_DEFAULT);
  }
}
