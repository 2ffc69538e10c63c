package dev.floe.scan;

import dev.floe.arrow.ArrowSchemas;
import dev.floe.reader.FilterColumns;
import dev.floe.reader.MetadataColumn;
import dev.floe.reader.ReadContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A {@link DataScan}'s options checked and resolved against the table: the Iceberg scan to plan and
 * the settings every file read shares. Building one opens no data file.
 */
final class ScanPlan {
  /** Largest batch accepted: Arrow's 32-bit offsets and sane memory use both end near here. */
  static final int MAX_BATCH_SIZE = 1 << 24;

  /** Most data files read at once. */
  static final int MAX_PARALLELISM = 256;

  private final TableScan scan;
  private final ReadContext context;
  private final long limit;
  private final int parallelism;
  private final List<FileScanTask> givenTasks; // a split's tasks, read instead of planning; or null

  private ScanPlan(TableScan scan, ReadContext context, long limit, int parallelism) {
    this(scan, context, limit, parallelism, null);
  }

  private ScanPlan(
      TableScan scan,
      ReadContext context,
      long limit,
      int parallelism,
      List<FileScanTask> givenTasks) {
    this.scan = scan;
    this.context = context;
    this.limit = limit;
    this.parallelism = parallelism;
    this.givenTasks = givenTasks;
  }

  /**
   * A plan that reads exactly {@code tasks} (the tasks of one {@link ScanSplit}), one file after
   * another, with no limit, instead of planning a table scan.
   */
  static ScanPlan ofTasks(ReadContext context, List<FileScanTask> tasks) {
    if (context.batchSize() > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid batch size: %d, expected 1 to %d rows",
              context.batchSize(), MAX_BATCH_SIZE));
    }
    return new ScanPlan(null, context, -1, 1, List.copyOf(tasks));
  }

  static ScanPlan create(Table table, ScanOptions options, int batchSize) {
    if (batchSize <= 0 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid batch size: %d, expected 1 to %d rows", batchSize, MAX_BATCH_SIZE));
    }
    if (options.parallelism() < 1 || options.parallelism() > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid parallelism: %d, expected 1 to %d files",
              options.parallelism(), MAX_PARALLELISM));
    }
    TableScan scan = snapshotScan(table, options).caseSensitive(options.caseSensitive());
    Schema schema = scan.schema();
    Expression filter = bindable(table, schema, options);
    Expression planned = planningFilter(filter, schema, options.caseSensitive());
    scan = scan.filter(planned);

    List<String> names = options.columns();
    List<MetadataColumn> metadata = new ArrayList<>();
    List<Types.NestedField> columns = new ArrayList<>();
    if (names == null) {
      columns.addAll(schema.columns());
    } else {
      for (String name : names) {
        if (isMetadataName(name)) {
          addOnce(metadata, MetadataColumn.fromName(name), table);
        } else {
          addOnce(columns, findColumn(table, schema, name, options.caseSensitive()), table);
        }
      }
    }
    for (String name : options.metadataColumns()) {
      addOnce(metadata, MetadataColumn.fromName(name), table);
    }
    columns.forEach(ArrowSchemas::checkSupported);
    Schema projection = new Schema(columns);
    Schema expected = withFilterColumns(projection, schema, filter, options.caseSensitive());
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
            planned == filter ? null : filter); // the same object when nothing was dropped
    return new ScanPlan(scan, context, options.limit(), options.parallelism());
  }

  ReadContext context() {
    return context;
  }

  long limit() {
    return limit;
  }

  /** Data files read at once. */
  int parallelism() {
    return parallelism;
  }

  /** The columns handed to the user: the projection, then the metadata columns. */
  Schema outputSchema() {
    List<Types.NestedField> fields = new ArrayList<>(context.projection().columns());
    context.metadataColumns().forEach(column -> fields.add(column.field()));
    return new Schema(fields);
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
    TableScan scan = table.newScan();
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
   * timestamps. Iceberg's ORC writer (1.11 and earlier) stores the lower and upper bounds of
   * timestamp_ns / timestamptz_ns columns in microseconds, a thousand times too small
   * (apache/iceberg#16922, fixed after 1.11), and planning would then skip files that hold matching
   * rows. The bounds are in the manifests, so files written before the fix keep them. Such
   * predicates are left to the per-row filter, at the cost of file and partition pruning on them.
   */
  static Expression planningFilter(Expression filter, Schema schema, boolean caseSensitive) {
    return FilterColumns.withoutPredicatesOn(
        schema, filter, caseSensitive, Type.TypeID.TIMESTAMP_NANO);
  }

  /** {@code projection} plus the top-level columns of {@code schema} the filter needs. */
  static Schema withFilterColumns(
      Schema projection, Schema schema, Expression filter, boolean caseSensitive) {
    Set<Integer> referenced =
        Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive);
    Set<Integer> topLevel = new LinkedHashSet<>();
    for (Types.NestedField column : schema.columns()) {
      if (projection.findField(column.fieldId()) == null && referencesColumn(column, referenced)) {
        topLevel.add(column.fieldId());
      }
    }
    if (topLevel.isEmpty()) {
      return projection;
    }
    List<Types.NestedField> fields = new ArrayList<>(projection.columns());
    for (Types.NestedField column : schema.columns()) {
      if (topLevel.contains(column.fieldId())) {
        fields.add(column);
      }
    }
    return new Schema(fields);
  }

  private static boolean referencesColumn(Types.NestedField column, Set<Integer> ids) {
    if (ids.contains(column.fieldId())) {
      return true;
    }
    return column.type().isNestedType()
        && column.type().asNestedType().fields().stream().anyMatch(f -> referencesColumn(f, ids));
  }

  private static boolean isMetadataName(String name) {
    return name.startsWith("_") && MetadataColumns.isMetadataColumn(name);
  }

  private static Types.NestedField findColumn(
      Table table, Schema schema, String name, boolean caseSensitive) {
    Types.NestedField field =
        caseSensitive ? schema.findField(name) : schema.caseInsensitiveFindField(name);
    if (field == null) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot find column '%s' in table %s; columns are %s",
              name,
              table.name(),
              schema.columns().stream().map(Types.NestedField::name).collect(Collectors.toList())));
    }
    if (schema.findField(field.fieldId()) != null && !schema.columns().contains(field)) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot select '%s' of table %s: nested fields are not supported yet; select"
                  + " top-level primitive columns",
              name, table.name()));
    }
    return field;
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
