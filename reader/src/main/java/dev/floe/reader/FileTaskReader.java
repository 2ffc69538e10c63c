package dev.floe.reader;

import static java.util.Objects.requireNonNull;

import dev.floe.FloeException;
import dev.floe.arrow.ArrowSchemas;
import dev.floe.arrow.BatchCompactor;
import dev.floe.arrow.ConstantColumn;
import dev.floe.arrow.RowView;
import dev.floe.arrow.SharedBuffers;
import dev.floe.arrow.VectorProjection;
import dev.floe.delete.DeleteCache;
import dev.floe.delete.DeletionVectorCheck;
import dev.floe.delete.RowSelector;
import dev.floe.reader.orc.OrcSpinGuard;
import dev.floe.reader.parquet.ParquetBatchSource;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.PartitionUtil;

/**
 * Reads one {@link FileScanTask} into Arrow batches: decodes a batch with the file format's {@link
 * BatchSource}, computes the rows that survive deletes and the residual filter, compacts the
 * vectors in place (or leaves them untouched when every row survives) and fills the metadata
 * columns.
 *
 * <p>Output vectors belong to the caller and are reused for every batch. Columns that only the
 * filter or equality deletes need are decoded into scratch vectors owned by this reader, allocated
 * from its own child allocator; {@link #close()} releases them, the file and the deletes.
 */
public final class FileTaskReader implements Closeable {
  private final ReadContext context;
  private final FileScanTask task;
  private final BufferAllocator allocator;
  private final List<FieldVector> scratch;
  private final List<FieldVector> outputVectors;
  private final List<FieldVector> dataVectors;
  private final List<FieldVector> metadataVectors;
  private final List<Projected> projected;
  private final List<ConstantFill> constants;
  private final RowSelector selector;
  private final RowView rowView;
  private final int[] selection;
  private final BatchCompactor compactor = new BatchCompactor();
  private final BatchSource source;
  private final ConstantColumn filePath;
  private final ConstantColumn specId;
  private final List<FieldVector> decodedVectors;
  private final BatchRows batchRows; // null: batches bounded by rows only
  private final BatchCut batchCut; // null: batches bounded by rows only
  private int rowCount;
  private boolean closed;

  private record ConstantFill(ConstantColumn column, FieldVector vector) {}

  /**
   * A selected column read wider than selected, into {@code read}, handed out in {@code output}.
   */
  private record Projected(FieldVector read, FieldVector output) {}

  private FileTaskReader(Builder builder) {
    this.context = builder.context;
    this.task = builder.task;
    this.allocator = builder.allocator;
    this.scratch = builder.scratch;
    this.outputVectors = builder.outputVectors;
    this.dataVectors = builder.readDataVectors;
    this.metadataVectors = builder.metadataVectors;
    this.projected = builder.projected;
    this.constants = builder.constants;
    this.selector = builder.selector;
    this.rowView = builder.rowView;
    this.selection = new int[Formats.batchRows(context, task)];
    this.source = builder.source;
    this.filePath = ConstantColumn.of(Types.StringType.get(), task.file().location());
    this.specId = ConstantColumn.of(Types.IntegerType.get(), task.file().specId());
    this.decodedVectors = builder.decodedVectors;
    this.batchRows = builder.batchRows;
    this.batchCut = builder.batchCut;
  }

  /**
   * Opens the data file of {@code task} and loads its deletes.
   *
   * @param context the scan's settings
   * @param task the file to read
   * @param outputVectors the user-visible vectors: one per projected column, then one per metadata
   *     column
   * @param parentAllocator parent of this reader's scratch allocator
   * @throws FloeException naming the table and file if the file or its deletes cannot be opened
   */
  public static FileTaskReader open(
      ReadContext context,
      FileScanTask task,
      List<FieldVector> outputVectors,
      BufferAllocator parentAllocator) {
    requireNonNull(context, "context is null");
    requireNonNull(task, "task is null");
    requireNonNull(outputVectors, "outputVectors is null");
    requireNonNull(parentAllocator, "parentAllocator is null");
    Builder builder = new Builder(context, task, outputVectors);
    try {
      builder.allocator =
          parentAllocator.newChildAllocator(
              "floe-file " + task.file().location(), 0, parentAllocator.getLimit());
      builder.build();
      return new FileTaskReader(builder);
    } catch (RuntimeException e) {
      FloeException error =
          new FloeException(
              String.format(
                  "Cannot open data file of table %s: %s: %s",
                  context.tableName(),
                  task.file().location(),
                  describe(e, context, parentAllocator)),
              e);
      builder.closeQuietly(error);
      throw error;
    }
  }

  /**
   * Reads the next batch that has at least one surviving row into the output vectors.
   *
   * @return false when the file is exhausted
   * @throws FloeException naming the table, file and row group / stripe on a read failure
   */
  public boolean next() {
    if (closed) {
      return false;
    }
    try {
      while (true) {
        for (FieldVector vector : outputVectors) {
          SharedBuffers.releaseIfHeldElsewhere(vector); // a consumer kept the last batch
        }
        int rows;
        long firstPosition;
        if (batchCut != null && batchCut.holdsRows()) {
          firstPosition = batchCut.heldFirstPosition();
          rows = batchCut.restore(decodedVectors);
        } else {
          rows = source.next(batchRows == null ? Integer.MAX_VALUE : batchRows.maxRows(source));
          if (rows == 0) {
            rowCount = 0;
            return false;
          }
          firstPosition = source.firstPosition();
          if (batchRows != null) {
            batchRows.observe(rows, decodedVectors);
          }
        }
        if (batchCut != null) {
          rows = batchCut.cut(decodedVectors, rows, firstPosition);
        }
        int kept = process(rows, firstPosition);
        if (kept > 0) {
          rowCount = kept;
          return true;
        }
      }
    } catch (RuntimeException e) {
      if (e instanceof FloeException) {
        throw e;
      }
      throw new FloeException(
          String.format(
              "Cannot read table %s: file %s, %s: %s",
              context.tableName(),
              task.file().location(),
              source.position(),
              describe(e, context, allocator)),
          e);
    }
  }

  /** Rows in the last batch returned by {@link #next()}. */
  public int rowCount() {
    return rowCount;
  }

  /** Rows removed from this file by position and equality deletes so far. */
  public long deletedRows() {
    return selector.deletedRows();
  }

  private int process(int rows, long firstPosition) {
    for (ConstantFill constant : constants) {
      constant.column().fill(constant.vector(), rows);
    }
    if (selector.keepsAll()) {
      project(rows);
      fillMetadata(rows, firstPosition, false);
      return rows;
    }
    int kept = selector.select(rowView, rows, firstPosition, selection);
    if (kept == 0) {
      return 0;
    }
    if (kept < rows) {
      compactor.compact(dataVectors, selection, kept);
    }
    project(kept);
    fillMetadata(kept, firstPosition, kept < rows);
    return kept;
  }

  private void project(int rows) {
    for (Projected column : projected) {
      VectorProjection.move(column.read(), column.output(), rows);
    }
  }

  private void fillMetadata(int rows, long firstPosition, boolean compacted) {
    for (int i = 0; i < context.metadataColumns().size(); i++) {
      FieldVector vector = metadataVectors.get(i);
      switch (context.metadataColumns().get(i)) {
        case POS:
          BigIntVector positions = (BigIntVector) vector;
          for (int row = 0; row < rows; row++) {
            positions.setSafe(row, firstPosition + (compacted ? selection[row] : row));
          }
          positions.setValueCount(rows);
          break;
        case FILE:
          filePath.fill(vector, rows);
          break;
        case SPEC_ID:
          specId.fill(vector, rows);
          break;
        default:
          throw new IllegalStateException("Unknown metadata column " + context.metadataColumns());
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    failure = Closing.run(failure, source::close);
    if (batchCut != null) {
      failure = Closing.run(failure, batchCut::close);
    }
    for (FieldVector vector : scratch) {
      failure = Closing.run(failure, vector::close);
    }
    failure = Closing.run(failure, allocator::close);
    if (failure != null) {
      throw new FloeException(
          String.format(
              "Cannot close data file of table %s: %s",
              context.tableName(), task.file().location()),
          failure);
    }
  }

  /** The fields the task's equality deletes compare, which the file must be read with. */
  private static Set<Integer> equalityFieldIds(FileScanTask task) {
    Set<Integer> ids = new LinkedHashSet<>();
    for (DeleteFile delete : task.deletes()) {
      if (delete.content() == FileContent.EQUALITY_DELETES && delete.equalityFieldIds() != null) {
        ids.addAll(delete.equalityFieldIds());
      }
    }
    return ids;
  }

  /**
   * The failure's message; for an allocator limit, with the limit and a batch size to try, since
   * Arrow's own message names neither the scan's batch size nor which allocator's limit was hit.
   */
  private static String describe(Throwable e, ReadContext context, BufferAllocator allocator) {
    if (!(e instanceof OutOfMemoryException)) {
      return describe(e);
    }
    long limit = Long.MAX_VALUE;
    for (BufferAllocator a = allocator; a != null; a = a.getParentAllocator()) {
      limit = Math.min(limit, a.getLimit());
    }
    return String.format(
        "the allocator's limit of %,d bytes is too small for batches of %,d rows (%s); read with a"
            + " smaller batch size, e.g. %,d, or give the allocator more memory",
        limit, context.batchSize(), describe(e), Math.max(1, context.batchSize() / 4));
  }

  /**
   * The failure's message, followed by its root cause's when that says more: wrappers such as
   * Iceberg's "Failed to open file: X" leave out why (e.g. "Permission denied").
   */
  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
      root = root.getCause();
    }
    String because = root.getMessage();
    if (root == e || because == null || message.contains(because)) {
      return message;
    }
    // the cause's words, not its Java class: messages reach users of the command line and Python
    return message + " (" + because + ")";
  }

  /** Assembles a reader, remembering what it opened so a failure can close it. */
  private static final class Builder {
    private final ReadContext context;
    private final FileScanTask task;
    private final List<FieldVector> outputVectors;
    private final List<FieldVector> scratch = new ArrayList<>();
    private final List<ConstantFill> constants = new ArrayList<>();
    private BufferAllocator allocator;
    private List<FieldVector> dataVectors;
    private List<FieldVector> readDataVectors;
    private List<FieldVector> metadataVectors;
    private final List<Projected> projected = new ArrayList<>();
    private RowSelector selector;
    private RowView rowView;
    private List<FieldVector> decodedVectors;
    private BatchRows batchRows;
    private BatchCut batchCut;
    private BatchSource source;

    Builder(ReadContext context, FileScanTask task, List<FieldVector> outputVectors) {
      this.context = context;
      this.task = task;
      this.outputVectors = outputVectors;
    }

    void build() {
      int dataColumns = context.projection().columns().size();
      this.dataVectors = outputVectors.subList(0, dataColumns);
      this.metadataVectors = outputVectors.subList(dataColumns, outputVectors.size());
      Expression residual = context.residual(task);
      this.selector = loadDeletes(residual);
      Schema readSchema = selector.readSchema();
      List<FieldVector> readVectors = readVectors(readSchema, dataColumns);
      this.batchRows = BatchRows.of(context, task.file(), readSchema);
      this.rowView = new RowView(readSchema.asStruct(), readVectors);
      selector.bind(readVectors);
      Map<Integer, ?> partitionValues = PartitionUtil.constantsMap(task);
      List<Types.NestedField> fileColumns = new ArrayList<>();
      List<FieldVector> fileVectors = new ArrayList<>();
      for (int i = 0; i < readSchema.columns().size(); i++) {
        Types.NestedField column = readSchema.columns().get(i);
        if (partitionValues.containsKey(column.fieldId())) {
          Object value = partitionValues.get(column.fieldId());
          constants.add(
              new ConstantFill(ConstantColumn.of(column.type(), value), readVectors.get(i)));
        } else {
          fileColumns.add(column);
          fileVectors.add(readVectors.get(i));
        }
      }
      this.decodedVectors = fileVectors;
      if (batchRows != null) {
        this.batchCut =
            new BatchCut(allocator, context.maxBatchBytes(), batchRows.metadataPerRow());
      }
      this.source = Formats.open(context, task, residual, new Schema(fileColumns), fileVectors);
    }

    /**
     * Loads the task's deletes (all of them, now). A failure names the delete file it happened in,
     * and streams a format reader left open on a damaged delete file are closed.
     */
    private RowSelector loadDeletes(Expression residual) {
      OpenStreams streams = new OpenStreams();
      // delete pages are checked as data pages are: a damaged page must not delete other rows
      FileIO io = streams.track(context.io(), ParquetBatchSource::verifyingPageChecksums);
      RuntimeException failure = null;
      try {
        for (DeleteFile delete : task.deletes()) {
          if (ContentFileUtil.isDV(delete)) {
            DeletionVectorCheck.verify(
                io.newInputFile(delete.location(), delete.fileSizeInBytes()), delete);
          }
        }
        // ORC delete files are decoded by orc-core, which may loop on a damaged stream
        return OrcSpinGuard.run(
            () ->
                RowSelector.load(
                    task.file().location(),
                    task.deletes(),
                    context.tableSchema(),
                    ReadColumns.widen(
                        context.tableSchema(), context.expectedSchema(), equalityFieldIds(task)),
                    residual,
                    context.caseSensitive(),
                    io,
                    context.deleteCache()));
      } catch (RuntimeException e) {
        String failed = failedDeleteFile(e, io, streams.lastLocation());
        failure =
            failed == null
                ? e
                : new FloeException(
                    String.format("Cannot read delete file %s: %s", failed, describe(e)), e);
        throw failure;
      } finally {
        Closing.Action closeStreams = streams::close;
        RuntimeException closing = Closing.run(null, closeStreams);
        if (closing != null) {
          if (failure == null) {
            throw closing;
          }
          failure.addSuppressed(closing);
        }
      }
    }

    /**
     * The delete file a failure happened in: the one its messages name, else the task's only delete
     * file, else — for a read {@link OrcSpinGuard} stopped, which fails naming no file and would
     * spin again if read again — the file being read when it was stopped (delete files are read one
     * after another, so that is the last one opened), else the first that fails to load again on
     * its own. Only ever called on the failure path.
     */
    private String failedDeleteFile(Throwable failure, FileIO io, String lastOpened) {
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        String message = cause.getMessage();
        if (message == null) {
          continue;
        }
        for (DeleteFile delete : task.deletes()) {
          if (message.contains(delete.location())) {
            return delete.location();
          }
        }
      }
      if (task.deletes().size() <= 1) {
        return task.deletes().isEmpty() ? null : task.deletes().get(0).location();
      }
      if (OrcSpinGuard.stoppedLoop(failure)) {
        for (DeleteFile delete : task.deletes()) {
          if (delete.location().equals(lastOpened)) {
            return delete.location();
          }
        }
      }
      for (DeleteFile delete : task.deletes()) {
        try {
          if (ContentFileUtil.isDV(delete)) {
            // checked first, as the load checks it: Iceberg decodes a damaged bitmap for minutes
            DeletionVectorCheck.verify(
                io.newInputFile(delete.location(), delete.fileSizeInBytes()), delete);
          }
          OrcSpinGuard.run(
              () ->
                  RowSelector.load(
                      task.file().location(),
                      List.of(delete),
                      context.tableSchema(),
                      ReadColumns.widen(
                          context.tableSchema(), context.expectedSchema(), equalityFieldIds(task)),
                      Expressions.alwaysTrue(),
                      context.caseSensitive(),
                      io,
                      DeleteCache.withMaxBytes(0)));
        } catch (RuntimeException alone) {
          return delete.location();
        }
      }
      return "(one of " + task.deletes().stream().map(DeleteFile::location).toList() + ")";
    }

    /**
     * One vector per column of {@code readSchema}: the output vector of each selected column, or a
     * scratch vector where the column is read wider than selected (its selected part is moved to
     * the output vector after each batch), then scratch vectors of the other columns.
     */
    private List<FieldVector> readVectors(Schema readSchema, int dataColumns) {
      List<FieldVector> vectors = new ArrayList<>(readSchema.columns().size());
      List<Types.NestedField> selected = context.projection().columns();
      for (int i = 0; i < readSchema.columns().size(); i++) {
        Types.NestedField column = readSchema.columns().get(i);
        if (i < dataColumns && column.type().equals(selected.get(i).type())) {
          vectors.add(dataVectors.get(i));
          continue;
        }
        FieldVector vector = ArrowSchemas.toArrow(column).createVector(allocator);
        scratch.add(vector);
        vectors.add(vector);
        if (i < dataColumns) {
          projected.add(new Projected(vector, dataVectors.get(i)));
        }
      }
      this.readDataVectors = vectors.subList(0, dataColumns);
      return vectors;
    }

    void closeQuietly(Throwable primary) {
      RuntimeException failure = null;
      if (source != null) {
        failure = Closing.run(failure, source::close);
      }
      if (batchCut != null) {
        failure = Closing.run(failure, batchCut::close);
      }
      for (FieldVector vector : scratch) {
        failure = Closing.run(failure, vector::close);
      }
      if (allocator != null) {
        failure = Closing.run(failure, allocator::close);
      }
      if (failure != null) {
        primary.addSuppressed(failure);
      }
    }
  }
}
