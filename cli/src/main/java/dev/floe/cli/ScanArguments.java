package dev.floe.cli;

import dev.floe.cli.filter.SqlFilter;
import dev.floe.reader.FilterColumns;
import dev.floe.scan.DataScan;
import dev.floe.scan.PlanOrder;
import dev.floe.scan.RecordBatchStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine.Option;

/** What to read of a table: columns, filter, limit, snapshot; shared by plan, head and export. */
public final class ScanArguments {
  @Option(
      names = "--select",
      paramLabel = "COLUMNS",
      description =
          "Columns to read, in output order (comma separated, spaces around names ignored;"
              + " repeatable); _file and _pos allowed.")
  List<String> columns;

  @Option(
      names = {"-f", "--filter"},
      paramLabel = "SQL",
      description = "Row filter in SQL, e.g. \"id < 100 AND category = 'beta' AND note IS NULL\".")
  String filter;

  @Option(names = "--limit", paramLabel = "ROWS", description = "Read at most ROWS rows.")
  Long limit;

  @Option(names = "--snapshot", paramLabel = "ID", description = "Read this snapshot.")
  Long snapshotId;

  @Option(
      names = "--as-of",
      paramLabel = "TIME",
      description =
          "Read the snapshot current at TIME: epoch milliseconds or ISO-8601 (2024-05-01,"
              + " 2024-05-01T12:00:00Z; without offset: UTC).")
  String asOf;

  @Option(names = "--ref", paramLabel = "NAME", description = "Read the head of a branch or tag.")
  String ref;

  @Option(
      names = "--parallelism",
      paramLabel = "FILES",
      defaultValue = "1",
      description =
          "Data files read at once, each on its own thread (default: ${DEFAULT-VALUE}). Above 1,"
              + " rows of different files interleave and memory grows about FILES times.")
  int parallelism;

  @Option(
      names = "--ignore-case",
      description = "Match column names in --select and --filter case-insensitively.")
  boolean ignoreCase;

  /**
   * Scan arguments given by a program rather than a command line, with the commands' meaning and
   * messages: {@code --select}, {@code --filter}, {@code --snapshot} and {@code --limit}.
   *
   * @param columns columns in output order, or null for all
   * @param filter SQL condition text, or null for every row
   * @param snapshotId snapshot to read, or null for the current one
   * @param limit most rows to return, or null for all
   */
  public static ScanArguments of(List<String> columns, String filter, Long snapshotId, Long limit) {
    ScanArguments arguments = new ScanArguments();
    arguments.columns = columns == null ? null : List.copyOf(columns);
    arguments.filter = filter;
    arguments.snapshotId = snapshotId;
    arguments.limit = limit;
    arguments.parallelism = 1;
    return arguments;
  }

  /**
   * Resolves the options against the table: time travel, then the filter on that schema.
   *
   * @param limitOverride a limit that replaces {@code --limit}, or null
   * @throws UsageException for conflicting time travel, a bad snapshot, limit or parallelism
   * @throws dev.floe.cli.filter.FilterException for a filter that does not parse or fit the table
   */
  public ResolvedScan resolve(Table table, Long limitOverride) {
    int chosen = (snapshotId != null ? 1 : 0) + (asOf != null ? 1 : 0) + (ref != null ? 1 : 0);
    if (chosen > 1) {
      throw new UsageException("Invalid options: choose one of --snapshot, --as-of and --ref");
    }
    DataScan data = DataScan.of(table).caseSensitive(!ignoreCase);
    TableScan scan = PlanOrder.deterministic(table.newScan()).caseSensitive(!ignoreCase);
    try {
      if (snapshotId != null) {
        scan = scan.useSnapshot(snapshotId);
        data = data.useSnapshot(snapshotId);
      } else if (asOf != null) {
        long millis = parseTime(asOf);
        scan = scan.asOfTime(millis);
        data = data.asOfTime(millis);
      } else if (ref != null) {
        scan = scan.useRef(ref);
        data = data.useRef(ref);
      }
    } catch (IllegalArgumentException | ValidationException e) {
      throw new UsageException(
          "Invalid snapshot for table " + table.name() + ": " + e.getMessage(), e);
    }
    Expression expression = Expressions.alwaysTrue();
    if (filter != null) {
      expression = SqlFilter.parse(filter, scan.schema(), !ignoreCase);
      // Plan as DataScan does: predicates on nanosecond timestamps and UUIDs do not prune.
      scan = scan.filter(FilterColumns.planningFilter(scan.schema(), expression, !ignoreCase));
      data = data.filter(expression);
    }
    if (columns != null) {
      data = data.select(selectedColumns());
    }
    try {
      data = data.parallelism(parallelism);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
    Long rows = limitOverride != null ? limitOverride : limit;
    if (rows != null) {
      try {
        data = data.limit(rows);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
    return new ResolvedScan(table, data, scan, expression, rows);
  }

  /**
   * The --select names, split here rather than by picocli, which drops empty names at the end
   * ({@code "id,"}); spaces around a name are dropped ({@code --select "id, qty"}).
   */
  private String[] selectedColumns() {
    List<String> names = new ArrayList<>();
    for (String list : columns) {
      for (String name : list.split(",", -1)) {
        if (name.isBlank()) {
          throw new UsageException(
              "Invalid --select: '" + list + "' has an empty column name, expected COLUMN,...");
        }
        names.add(name.strip());
      }
    }
    return names.toArray(new String[0]);
  }

  static long parseTime(String text) {
    String value = text.trim();
    if (value.matches("-?\\d+")) {
      return Long.parseLong(value);
    }
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
      }
      String iso =
          value.length() > 10 && value.charAt(10) == ' ' ? value.replaceFirst(" ", "T") : value;
      try {
        return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
      }
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "Invalid --as-of: " + text + ", expected epoch milliseconds or an ISO-8601 time");
    }
  }

  /**
   * A scan resolved against its table: the Floe scan that streams, and the equivalent Iceberg scan
   * that plans (for plan output and progress estimates).
   */
  /** Planned data files, their records (capped by the limit) and bytes. */
  record PlannedSize(long files, long records, long bytes) {}

  public record ResolvedScan(
      Table table, DataScan dataScan, TableScan tableScan, Expression filter, Long limit) {

    /**
     * Totals of the planned data files (record counts before deletes and residual filtering), read
     * from manifests without opening a data file.
     */
    PlannedSize plannedSize() {
      long files = 0;
      long records = 0;
      long bytes = 0;
      try (CloseableIterable<FileScanTask> tasks = tableScan.planFiles()) {
        for (FileScanTask task : tasks) {
          files += 1;
          records += task.file().recordCount();
          bytes += task.length();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot plan table " + table.name(), e);
      }
      return new PlannedSize(files, limit == null ? records : Math.min(records, limit), bytes);
    }

    /**
     * Opens the stream; option errors (bad column, batch size, filter binding) are usage errors.
     */
    public RecordBatchStream open(int batchSize, BufferAllocator allocator) {
      try {
        return dataScan.toRecordBatches(batchSize, allocator);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e);
      }
    }
  }
}
