package dev.floe.scan;

import dev.floe.arrow.ArrowSchemas;
import dev.floe.reader.FilterColumns;
import dev.floe.reader.MetadataColumn;
import dev.floe.reader.ReadColumns;
import dev.floe.reader.ReadContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * A {@link DataScan}'s options checked and resolved against the table: the Iceberg scan to plan and
 * the settings every file read shares. Building one opens no data file.
 */
final class ScanPlan {
  /** Largest batch accepted: Arrow's 32-bit offsets and sane memory use both end near here. */
  static final int MAX_BATCH_SIZE = 1 << 24;

  /** Most splits read at once. */
  static final int MAX_PARALLELISM = 256;

  private final TableScan scan;
  private final ReadContext context;
  private final long limit;
  private final int parallelism;
  private final long maxBufferedBytes;
  private final List<Types.NestedField> outputColumns;

  /** For each vector a file reader fills (data columns, then metadata), its output position. */
  private final int[] outputPositions;

  private final List<FileScanTask> givenTasks; // a split's tasks, read instead of planning; or null

  private ScanPlan(
      TableScan scan,
      ReadContext context,
      long limit,
      int parallelism,
      long maxBufferedBytes,
      List<Types.NestedField> outputColumns,
      List<FileScanTask> givenTasks) {
    this.scan = scan;
    this.context = context;
    this.limit = limit;
    this.parallelism = parallelism;
    this.maxBufferedBytes = maxBufferedBytes;
    this.outputColumns = List.copyOf(outputColumns);
    this.outputPositions = outputPositions(context, this.outputColumns);
    this.givenTasks = givenTasks;
  }

  /**
   * A plan that reads exactly {@code tasks} (the tasks of one {@link ScanSplit}), one file after
   * another, with no limit, instead of planning a table scan.
   *
   * @param outputNames the output columns in order (data and metadata columns of {@code context}),
   *     or null for the data columns, then the metadata columns
   */
  static ScanPlan ofTasks(ReadContext context, List<FileScanTask> tasks, List<String> outputNames) {
    if (context.batchSize() > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid batch size: %d, expected 1 to %d rows",
              context.batchSize(), MAX_BATCH_SIZE));
    }
    return new ScanPlan(
        null,
        context,
        -1,
        1,
        ScanOptions.DEFAULT_MAX_BUFFERED_BYTES,
        outputColumns(context, outputNames),
        List.copyOf(tasks));
  }

  /** The columns of {@code context} in the order of {@code names} (null: data, then metadata). */
  private static List<Types.NestedField> outputColumns(ReadContext context, List<String> names) {
    List<Types.NestedField> all = new ArrayList<>(context.projection().columns());
    context.metadataColumns().forEach(column -> all.add(column.field()));
    if (names == null) {
      return all;
    }
    List<Types.NestedField> ordered = new ArrayList<>(names.size());
    for (String name : names) {
      Types.NestedField field =
          all.stream()
              .filter(column -> column.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Invalid output column " + name + ": not in the split's columns " + all));
      ordered.add(field);
    }
    if (ordered.size() != all.size()) {
      throw new IllegalArgumentException(
          "Invalid output columns " + names + ": expected each of " + all + " once");
    }
    return ordered;
  }

  /** The output column names, in order. */
  List<String> outputNames() {
    return outputColumns.stream().map(Types.NestedField::name).collect(Collectors.toList());
  }

  static ScanPlan create(Table table, ScanOptions options, int batchSize) {
    if (batchSize <= 0 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid batch size: %d, expected 1 to %d rows", batchSize, MAX_BATCH_SIZE));
    }
    checkParallelism(options.parallelism());
    checkMaxBufferedBytes(options.maxBufferedBytes());
    checkMaxBatchBytes(options.maxBatchBytes());
    TableScan scan = snapshotScan(table, options).caseSensitive(options.caseSensitive());
    Schema schema = scan.schema();
    Expression filter =
        SqlSemantics.of(schema, bindable(table, schema, options), options.caseSensitive());
    Expression planned = planningFilter(filter, schema, options.caseSensitive());
    scan = scan.filter(planned);

    List<String> names = options.columns();
    List<MetadataColumn> metadata = new ArrayList<>();
    List<Types.NestedField> output = new ArrayList<>();
    List<Types.NestedField> columns;
    if (names == null) {
      columns = new ArrayList<>(schema.columns());
      output.addAll(schema.columns());
    } else {
      columns = selectedColumns(table, schema, names, options.caseSensitive());
      Set<String> seen = new LinkedHashSet<>();
      for (String name : names) {
        if (!seen.add(name)) {
          throw new IllegalArgumentException(
              String.format(
                  "Invalid projection of table %s: %s selected twice", table.name(), name));
        }
        if (isMetadataName(name)) {
          MetadataColumn column = MetadataColumn.fromName(name);
          addOnce(metadata, column, table);
          output.add(column.field());
        } else {
          Types.NestedField column = topLevelOf(columns, schema, name, options.caseSensitive());
          if (!output.contains(column)) {
            output.add(column);
          }
        }
      }
    }
    for (String name : options.metadataColumns()) {
      MetadataColumn column = MetadataColumn.fromName(name);
      addOnce(metadata, column, table);
      output.add(column.field());
    }
    columns.forEach(ArrowSchemas::checkSupported);
    Schema projection = new Schema(columns);
    Schema expected = withFilterColumns(projection, schema, filter, options.caseSensitive());
    List<String> stats = statsColumns(schema, filter, options.caseSensitive());
    if (options.maxBatchBytes() != Long.MAX_VALUE) {
      // the column sizes estimate the first batch's bytes (BatchRows)
      Set<String> withSizes = new LinkedHashSet<>(stats);
      expected.columns().forEach(column -> withSizes.add(column.name()));
      stats = List.copyOf(withSizes);
    }
    scan = withColumnStats(scan, stats);
    for (Types.NestedField column : expected.columns()) {
      ArrowSchemas.checkSupported(column);
    }
    ReadContext context =
        new ReadContext(
            table.name(),
            schema,
            projection,
            expected,
            metadata,
            options.caseSensitive(),
            batchSize,
            table.io(),
            nameMapping(table),
            filter,
            options.maxBatchBytes());
    return new ScanPlan(
        scan,
        context,
        options.limit(),
        options.parallelism(),
        options.maxBufferedBytes(),
        output,
        null);
  }

  static void checkParallelism(int parallelism) {
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid parallelism: %d, expected 1 to %d threads", parallelism, MAX_PARALLELISM));
    }
  }

  static void checkMaxBufferedBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid maxBufferedBytes: " + bytes + ", expected > 0 bytes");
    }
  }

  static void checkMaxBatchBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException(
          "Invalid maxBatchBytes: " + bytes + ", expected > 0 bytes");
    }
  }

  private static int[] outputPositions(ReadContext context, List<Types.NestedField> output) {
    List<Types.NestedField> columns = context.projection().columns();
    List<MetadataColumn> metadata = context.metadataColumns();
    int[] positions = new int[columns.size() + metadata.size()];
    for (int i = 0; i < columns.size(); i++) {
      positions[i] = output.indexOf(columns.get(i));
    }
    for (int i = 0; i < metadata.size(); i++) {
      positions[columns.size() + i] = output.indexOf(metadata.get(i).field());
    }
    return positions;
  }

  ReadContext context() {
    return context;
  }

  long limit() {
    return limit;
  }

  /** Splits read at once. */
  int parallelism() {
    return parallelism;
  }

  /** Bytes of decoded batches parallel workers may hold ahead of the consumer. */
  long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /**
   * The columns handed to the user, in the order {@code select} named them (data and metadata
   * columns mixed); {@code withMetadataColumns} and all columns of an unrestricted scan come after.
   */
  Schema outputSchema() {
    return new Schema(outputColumns);
  }

  /**
   * The output vectors in the order a file reader fills them: the data columns of the projection,
   * then the metadata columns.
   */
  List<FieldVector> readerOrder(List<FieldVector> outputVectors) {
    List<FieldVector> vectors = new ArrayList<>(outputPositions.length);
    for (int position : outputPositions) {
      vectors.add(outputVectors.get(position));
    }
    return vectors;
  }

  /** Plans the scan's file tasks; Iceberg reads manifests as the iterable is consumed. */
  CloseableIterable<FileScanTask> planFiles() {
    if (givenTasks != null) {
      return CloseableIterable.withNoopClose(givenTasks);
    }
    return scan.planFiles();
  }

  /** The Iceberg scan this plan plans, with its snapshot, schema and planning filter. */
  TableScan tableScan() {
    return scan;
  }

  private static TableScan snapshotScan(Table table, ScanOptions options) {
    int chosen =
        (options.snapshotId() != null ? 1 : 0)
            + (options.asOfTimestampMillis() != null ? 1 : 0)
            + (options.ref() != null ? 1 : 0);
    if (chosen > 1) {
      throw new IllegalArgumentException(
          "Invalid scan of " + table.name() + ": choose one of useSnapshot, asOfTime and useRef");
    }
    TableScan scan = PlanOrder.deterministic(table.newScan());
    try {
      if (options.snapshotId() != null) {
        scan = scan.useSnapshot(options.snapshotId());
      } else if (options.asOfTimestampMillis() != null) {
        scan = scan.asOfTime(options.asOfTimestampMillis());
      } else if (options.ref() != null) {
        scan = scan.useRef(options.ref());
      }
    } catch (IllegalArgumentException | ValidationException e) {
      throw new IllegalArgumentException(
          "Invalid snapshot for table " + table.name() + ": " + e.getMessage(), e);
    }
    return scan;
  }

  private static Expression bindable(Table table, Schema schema, ScanOptions options) {
    try {
      Binder.bind(schema.asStruct(), options.filter(), options.caseSensitive());
      return options.filter();
    } catch (ValidationException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("Invalid filter for table %s: %s", table.name(), e.getMessage()), e);
    }
  }

  /**
   * The filter Iceberg plans the scan with: the scan's filter without its predicates on nanosecond
   * timestamps and UUIDs, whose statistics Iceberg 1.11 misreads ({@link
   * FilterColumns#planningFilter}). Such predicates are left to the per-row filter.
   */
  static Expression planningFilter(Expression filter, Schema schema, boolean caseSensitive) {
    return FilterColumns.planningFilter(schema, filter, caseSensitive);
  }

  /**
   * The columns whose metrics the planned tasks keep (Iceberg drops them by default): the filter's
   * columns, so that a file whose statistics prove the filter skips evaluating it ({@code
   * ReadContext.residual}), and the columns with an initial default, which tell the reader which
   * data files store such a column ({@code MissingColumns.mayLack}), so that only files that may be
   * older than the column read without pruning on it (and, for ORC, have their footer checked).
   */
  private static List<String> statsColumns(
      Schema schema, Expression filter, boolean caseSensitive) {
    Set<String> names = new LinkedHashSet<>();
    if (filter.op() != Expression.Operation.TRUE) {
      Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive).stream()
          .map(schema::findColumnName)
          .forEach(names::add);
    }
    schema.columns().stream()
        .filter(column -> column.initialDefault() != null)
        .map(Types.NestedField::name)
        .forEach(names::add);
    return List.copyOf(names);
  }

  private static TableScan withColumnStats(TableScan scan, List<String> columns) {
    return columns.isEmpty() ? scan : scan.includeColumnStats(columns);
  }

  /**
   * {@code projection} widened by the fields the filter refers to ({@link ReadColumns#widen}): a
   * column the projection lacks is added pruned to them, a column it has pruned gains them (the
   * reader reads the wider column and hands out the selected part).
   */
  static Schema withFilterColumns(
      Schema projection, Schema schema, Expression filter, boolean caseSensitive) {
    return ReadColumns.widen(
        schema,
        projection,
        Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive));
  }

  private static boolean isMetadataName(String name) {
    return name.startsWith("_") && MetadataColumns.isMetadataColumn(name);
  }

  /**
   * The top-level columns that {@code names} select, in the order of their first mention: a
   * top-level name selects the whole column, a nested path ({@code st.inner.x}) the column pruned
   * to the named fields, as Iceberg's {@link Schema#select} prunes (several paths into one column
   * keep all their fields, in the table's order).
   */
  private static List<Types.NestedField> selectedColumns(
      Table table, Schema schema, List<String> names, boolean caseSensitive) {
    List<String> dataNames = new ArrayList<>();
    for (String name : names) {
      if (isMetadataName(name)) {
        continue;
      }
      Types.NestedField field =
          caseSensitive ? schema.findField(name) : schema.caseInsensitiveFindField(name);
      if (field == null) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot find column '%s' in table %s; columns are %s",
                name,
                table.name(),
                schema.columns().stream()
                    .map(Types.NestedField::name)
                    .collect(Collectors.toList())));
      }
      dataNames.add(name);
    }
    Schema selected =
        caseSensitive ? schema.select(dataNames) : schema.caseInsensitiveSelect(dataNames);
    List<Types.NestedField> ordered = new ArrayList<>();
    for (String name : dataNames) {
      Types.NestedField top = topLevelOf(selected.columns(), schema, name, caseSensitive);
      if (!ordered.contains(top)) {
        ordered.add(top);
      }
    }
    return ordered;
  }

  /** The column of {@code columns} that holds the field {@code name} of {@code schema}. */
  private static Types.NestedField topLevelOf(
      List<Types.NestedField> columns, Schema schema, String name, boolean caseSensitive) {
    Types.NestedField field =
        caseSensitive ? schema.findField(name) : schema.caseInsensitiveFindField(name);
    for (Types.NestedField column : columns) {
      if (TypeUtil.indexById(Types.StructType.of(column)).containsKey(field.fieldId())) {
        return column;
      }
    }
    throw new IllegalStateException("Cannot find the column of " + name);
  }

  private static <T> void addOnce(List<T> list, T item, Table table) {
    if (list.contains(item)) {
      throw new IllegalArgumentException(
          String.format("Invalid projection of table %s: %s selected twice", table.name(), item));
    }
    list.add(item);
  }

  private static NameMapping nameMapping(Table table) {
    String json = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    return json == null ? null : NameMappingParser.fromJson(json);
  }
}
