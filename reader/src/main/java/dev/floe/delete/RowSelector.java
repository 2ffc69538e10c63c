package dev.floe.delete;

import static java.util.Objects.requireNonNull;

import dev.floe.arrow.RowView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.DeleteCounter;
import org.apache.iceberg.deletes.Deletes;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.deletes.PositionDeleteIndexUtil;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.formats.FormatModelRegistry;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteSchemaUtil;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.util.ContentFileUtil;

/**
 * Decides, per batch, which rows of one data file survive: not deleted by position (position delete
 * files or a deletion vector), not deleted by equality, and matching the residual filter. Delete
 * loading is Iceberg's own ({@link DeleteFilter}, {@code BaseDeleteLoader}, {@link
 * PositionDeleteIndex}); this class only applies it to a batch at a time.
 *
 * <p>A selector lives as long as its data file is open: the deletes it holds are loaded when it is
 * created and become garbage when the file closes.
 */
public final class RowSelector {
  /**
   * Up to this many deleted positions (8 MiB) are copied into a sorted array when the file opens,
   * so a batch finds its deleted rows with one binary search instead of a bitmap probe per row.
   */
  private static final long MAX_SORTED_POSITIONS = 1L << 20;

  private static final Schema POSITION_DELETE_SCHEMA = DeleteSchemaUtil.pathPosSchema();

  private final PositionDeleteIndex positionDeletes;
  private final long[] sortedPositions;
  private final EqualityDeletes equalityDeletes;
  private final RowEvaluator residual;
  private final Schema readSchema;
  private final DeleteCounter counter;

  private RowSelector(
      PositionDeleteIndex positionDeletes,
      EqualityDeletes equalityDeletes,
      RowEvaluator residual,
      Schema readSchema,
      DeleteCounter counter) {
    this.positionDeletes = positionDeletes;
    this.sortedPositions = sorted(positionDeletes);
    this.equalityDeletes = equalityDeletes;
    this.residual = residual;
    this.readSchema = readSchema;
    this.counter = counter;
  }

  /** Loads the deletes of one data file, with a cache of its own (tests). */
  public static RowSelector load(
      String dataFile,
      List<DeleteFile> deletes,
      Schema tableSchema,
      Schema expectedSchema,
      Expression residual,
      boolean caseSensitive,
      FileIO io) {
    return load(
        dataFile,
        deletes,
        tableSchema,
        expectedSchema,
        residual,
        caseSensitive,
        io,
        DeleteCache.withMaxBytes(0));
  }

  /**
   * Loads the deletes of one data file.
   *
   * @param dataFile location of the data file, as the deletes reference it
   * @param deletes the delete files the scan planned for it
   * @param tableSchema the scan's table schema (to find equality delete columns)
   * @param expectedSchema the columns the caller needs (projection plus residual columns)
   * @param residual the task's residual filter, applied exactly
   * @param io to open delete files
   * @param cache the scan's delete files already loaded, shared with the scan's other data files
   */
  public static RowSelector load(
      String dataFile,
      List<DeleteFile> deletes,
      Schema tableSchema,
      Schema expectedSchema,
      Expression residual,
      boolean caseSensitive,
      FileIO io,
      DeleteCache cache) {
    requireNonNull(dataFile, "dataFile is null");
    requireNonNull(io, "io is null");
    requireNonNull(cache, "cache is null");
    DeleteCounter counter = new DeleteCounter();
    IcebergDeletes filter =
        new IcebergDeletes(dataFile, deletes, tableSchema, expectedSchema, counter, io, cache);
    PositionDeleteIndex positions = filter.hasPosDeletes() ? filter.deletedRowPositions() : null;
    if (positions != null && positions.isEmpty()) {
      positions = null;
    }
    Schema readSchema = filter.requiredSchema();
    EqualityDeletes equalityDeletes =
        filter.hasEqDeletes()
            ? EqualityDeletes.load(
                deletes,
                readSchema,
                io,
                cache,
                new CachingLoader(
                    file ->
                        DeleteFileColumns.checked(
                            file, io.newInputFile(file.location()), readSchema),
                    cache))
            : null;
    RowEvaluator evaluator =
        residual == null || residual.equals(Expressions.alwaysTrue())
            ? null
            : new RowEvaluator(readSchema.asStruct(), NullSafeIn.nullSafe(residual), caseSensitive);
    return new RowSelector(positions, equalityDeletes, evaluator, readSchema, counter);
  }

  /**
   * Takes the vectors every batch is decoded into, laid out as {@link #readSchema()}; called once,
   * before the first {@link #select}. Equality deletes read their key columns from them directly.
   */
  public void bind(List<FieldVector> readVectors) {
    requireNonNull(readVectors, "readVectors is null");
    if (readVectors.size() != readSchema.columns().size()) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid read vectors: %d, expected %d",
              readVectors.size(), readSchema.columns().size()));
    }
    if (equalityDeletes != null) {
      equalityDeletes.bind(readVectors);
    }
  }

  /**
   * The columns to read from the data file: the expected columns, then the columns that equality
   * deletes need.
   */
  public Schema readSchema() {
    return readSchema;
  }

  /** Whether every row of every batch survives, so {@link #select} need not be called. */
  public boolean keepsAll() {
    return positionDeletes == null && equalityDeletes == null && residual == null;
  }

  /**
   * How many equality-delete keys (groups of delete files with the same key columns) go through
   * Iceberg's row-by-row {@code StructLikeSet} (keys inside structs, uuid, fixed) instead of
   * probing sets with the key vectors.
   */
  public int equalityKeysAppliedByRow() {
    return equalityDeletes == null ? 0 : equalityDeletes.rowByRowGroups();
  }

  /** Rows removed by deletes so far. */
  public long deletedRows() {
    return counter.get();
  }

  /**
   * Computes the surviving rows of a batch.
   *
   * @param row a view over the batch's read vectors (laid out as {@link #readSchema()})
   * @param rows the batch's row count
   * @param firstPosition the file position of the batch's first row; rows are contiguous
   * @param selection receives the indexes of surviving rows, ascending
   * @return the number of surviving rows
   */
  public int select(RowView row, int rows, long firstPosition, int[] selection) {
    int kept = 0;
    boolean[] equalityDeleted =
        equalityDeletes == null ? null : equalityDeletes.deletedRows(rows, row);
    int nextDeleted = nextDeletedRow(firstPosition, 0, rows);
    for (int i = 0; i < rows; i++) {
      if (i == nextDeleted) {
        counter.increment();
        nextDeleted = nextDeletedRow(firstPosition, i + 1, rows);
        continue;
      }
      if (equalityDeleted != null && equalityDeleted[i]) {
        counter.increment();
        continue;
      }
      if (residual != null && !residual.eval(row.at(i))) {
        continue;
      }
      selection[kept++] = i;
    }
    return kept;
  }

  /**
   * The first row at or after {@code from} in the batch that is deleted by position, or {@code
   * rows} if there is none.
   */
  private int nextDeletedRow(long firstPosition, int from, int rows) {
    if (positionDeletes == null) {
      return rows;
    }
    if (sortedPositions != null) {
      int index = Arrays.binarySearch(sortedPositions, firstPosition + from);
      if (index < 0) {
        index = -index - 1;
      }
      if (index == sortedPositions.length) {
        return rows;
      }
      long row = sortedPositions[index] - firstPosition;
      return row < rows ? (int) row : rows;
    }
    for (int i = from; i < rows; i++) {
      if (positionDeletes.isDeleted(firstPosition + i)) {
        return i;
      }
    }
    return rows;
  }

  /**
   * The index's positions as an ascending array, or null if there are too many or the index cannot
   * enumerate itself. {@link PositionDeleteIndex#forEach} yields positions in order for Iceberg's
   * bitmap index, but its contract does not promise it: the order is checked while copying and the
   * array sorted if needed.
   */
  static long[] sorted(PositionDeleteIndex index) {
    if (index == null) {
      return null;
    }
    try {
      long cardinality = index.cardinality();
      if (cardinality > MAX_SORTED_POSITIONS) {
        return null;
      }
      PositionCollector collector = new PositionCollector((int) cardinality);
      index.forEach(collector);
      return collector.ascending();
    } catch (UnsupportedOperationException | ArrayIndexOutOfBoundsException e) {
      return null; // an index that cannot enumerate itself is probed row by row
    }
  }

  /** Copies positions and notes, in the same pass, whether they came in ascending order. */
  private static final class PositionCollector implements java.util.function.LongConsumer {
    private final long[] positions;
    private int count;
    private boolean ascending = true;

    PositionCollector(int cardinality) {
      this.positions = new long[cardinality];
    }

    @Override
    public void accept(long position) {
      if (count > 0 && position < positions[count - 1]) {
        ascending = false;
      }
      positions[count++] = position;
    }

    long[] ascending() {
      if (count != positions.length) {
        return null; // the cardinality was an estimate: probe row by row
      }
      if (!ascending) {
        Arrays.sort(positions);
      }
      return positions;
    }
  }

  /** Iceberg's delete loading, over rows that are already {@link StructLike} views. */
  private static final class IcebergDeletes extends DeleteFilter<StructLike> {
    private final FileIO io;
    private final DeleteCache cache;

    IcebergDeletes(
        String filePath,
        List<DeleteFile> deletes,
        Schema tableSchema,
        Schema expectedSchema,
        DeleteCounter counter,
        FileIO io,
        DeleteCache cache) {
      // positions come from the reader, not from a _pos column
      super(filePath, deletes, tableSchema, expectedSchema, counter, false);
      this.io = io;
      this.cache = cache;
    }

    @Override
    protected StructLike asStructLike(StructLike record) {
      return record;
    }

    @Override
    protected InputFile getInputFile(String location) {
      return io.newInputFile(location);
    }

    /**
     * Loads delete files on the reading thread, one after another. Iceberg's default hands them to
     * a shared pool and polls for completion every 10 ms, which costs more than it saves for the
     * few delete files of one data file, and would let several files' deletes be in memory at once.
     *
     * <p>Position-delete files (and equality deletes on the fallback path) go through Iceberg's
     * caching hook into the scan's {@link DeleteCache}: a partition-scoped position-delete file is
     * read once, into an index per data file it references, and not once per data file.
     */
    @Override
    protected DeleteLoader newDeleteLoader() {
      return new CachingLoader(this::loadInputFile, cache);
    }
  }

  /**
   * Iceberg's delete loader, serial, with its cache hook backed by the scan's cache; a
   * position-delete file too large for the cache is read whole too, keeping only this data file's
   * positions.
   */
  private static final class CachingLoader extends BaseDeleteLoader {
    private final Function<DeleteFile, InputFile> open;
    private final DeleteCache cache;

    CachingLoader(Function<DeleteFile, InputFile> open, DeleteCache cache) {
      super(open, null);
      this.open = open;
      this.cache = cache;
    }

    /**
     * Iceberg reads a position-delete file it cannot cache with a {@code file_path = <data file>}
     * filter, whose dictionary row-group filter reads the {@code file_path} dictionary without
     * checking its page CRC (parquet-mr's {@code readDictionary}): one flipped bit there skips the
     * row group, and the data file's deletes are silently lost. Read without a filter, every page
     * goes through the reader's CRC check; the rows of other data files are dropped as they come.
     */
    @Override
    public PositionDeleteIndex loadPositionDeletes(
        Iterable<DeleteFile> deleteFiles, CharSequence filePath) {
      if (ContentFileUtil.containsSingleDV(deleteFiles)) {
        return super.loadPositionDeletes(deleteFiles, filePath);
      }
      List<PositionDeleteIndex> indexes = new ArrayList<>();
      for (DeleteFile file : deleteFiles) {
        if (canCache(file.recordCount())) {
          indexes.add(super.loadPositionDeletes(List.of(file), filePath));
        } else {
          CloseableIterable<Record> rows =
              FormatModelRegistry.<Record, Object>readBuilder(
                      file.format(), Record.class, open.apply(file))
                  .project(POSITION_DELETE_SCHEMA)
                  .reuseContainers()
                  .build();
          indexes.add(Deletes.toPositionIndex(filePath, rows, file));
        }
      }
      return PositionDeleteIndexUtil.merge(indexes);
    }

    @Override
    protected boolean canCache(long size) {
      return size <= cache.maxBytes();
    }

    @Override
    protected <V> V getOrLoad(String key, java.util.function.Supplier<V> valueSupplier, long size) {
      return cache.get("iceberg:" + key, size, valueSupplier);
    }
  }
}
