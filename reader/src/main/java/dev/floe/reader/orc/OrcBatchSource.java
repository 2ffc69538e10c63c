package dev.floe.reader.orc;

import static java.util.Objects.requireNonNull;

import dev.floe.arrow.ConstantColumn;
import dev.floe.arrow.Vectors;
import dev.floe.reader.BatchSource;
import dev.floe.reader.FileReadRequest;
import dev.floe.reader.MissingColumns;
import dev.floe.reader.OpenStreams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.orc.ORC;
import org.apache.iceberg.orc.OrcBatchReader;
import org.apache.iceberg.orc.OrcMetrics;
import org.apache.iceberg.types.Types;
import org.apache.orc.TypeDescription;
import org.apache.orc.storage.ql.exec.vector.ColumnVector;
import org.apache.orc.storage.ql.exec.vector.VectorizedRowBatch;

/**
 * Streams an ORC data file into Arrow vectors. File handling — field-id / name-mapping schema
 * projection and type promotion, split bounds, stripe and row-group pruning through search
 * arguments built from the filter — is Iceberg's own ORC reader; this class converts the reused
 * {@link VectorizedRowBatch} it yields into the Arrow vectors, column by column.
 *
 * <p>ORC decodes into on-heap row batches of at most {@link #MAX_ORC_BATCH_ROWS} rows, whatever the
 * Arrow batch size: an Arrow batch of a million rows is filled from several row batches, and a row
 * batch may be split between two Arrow batches. A second full-size copy of every batch on the heap
 * (ORC's string readers allocate each batch's bytes afresh) is what made large batch sizes run out
 * of heap. Decoder state is one stripe's projected streams plus the one small row batch.
 *
 * <p>Columns with an initial default that the file does not store are left out of the ORC
 * projection (Iceberg 1.11's ORC reader refuses them) and filled with the default here, as the
 * Parquet source does. Which columns the file stores comes from the data file's metrics when they
 * show it, else from the file's footer.
 */
public final class OrcBatchSource implements BatchSource {
  /** Most rows ORC decodes at a time (ORC's own default is 1024, Iceberg's Spark reader 5000). */
  static final int MAX_ORC_BATCH_ROWS = 4096;

  /** Metrics read from a footer only to learn which columns the file stores. */
  private static final MetricsConfig COUNTS =
      MetricsConfig.from(
          Map.of(TableProperties.DEFAULT_WRITE_METRICS_MODE, MetricsModes.Counts.get().toString()),
          null,
          null);

  private final CloseableIterable<Integer> batches;
  private final CloseableIterator<Integer> iterator;
  private final ArrowBatchConverter converter;
  private final List<FieldVector> vectors;
  private final List<Constant> constants;
  private final int batchRows;
  private final OpenStreams streams;
  private long firstPosition;

  /** A column the file does not store, filled with one value. */
  private record Constant(ConstantColumn column, FieldVector vector) {}

  private OrcBatchSource(
      CloseableIterable<Integer> batches,
      CloseableIterator<Integer> iterator,
      ArrowBatchConverter converter,
      List<FieldVector> vectors,
      List<Constant> constants,
      int batchRows,
      OpenStreams streams) {
    this.batches = batches;
    this.streams = streams;
    this.iterator = iterator;
    this.converter = converter;
    this.vectors = vectors;
    this.constants = constants;
    this.batchRows = batchRows;
  }

  /**
   * Opens the file of {@code request} and reads its footer, converting {@code columns} into {@code
   * vectors}.
   *
   * @param columns the columns to read from the file (no constants), one per vector
   * @param vectors where values go; owned by the caller
   */
  public static OrcBatchSource open(
      FileReadRequest request, Schema columns, List<FieldVector> vectors) {
    requireNonNull(request, "request is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(vectors, "vectors is null");
    OpenStreams streams = new OpenStreams();
    try {
      return open(request, streams.track(request.inputFile()), columns, vectors, streams);
    } catch (RuntimeException e) {
      try {
        streams.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static OrcBatchSource open(
      FileReadRequest request,
      InputFile input,
      Schema columns,
      List<FieldVector> vectors,
      OpenStreams streams) {
    Set<Integer> lacking = lackedColumns(request, input, columns);
    Set<Integer> prunedNested = OrcNestedDefaults.fieldsWithDefaults(columns);
    prunedNested.retainAll(lacking);
    List<Types.NestedField> stored = new ArrayList<>();
    List<FieldVector> storedVectors = new ArrayList<>();
    List<Constant> constants = new ArrayList<>();
    for (int i = 0; i < columns.columns().size(); i++) {
      Types.NestedField column = columns.columns().get(i);
      if (lacking.contains(column.fieldId())) {
        constants.add(new Constant(MissingColumns.fill(column), vectors.get(i)));
      } else {
        stored.add(column);
        storedVectors.add(vectors.get(i));
      }
    }
    Schema storedColumns = lacking.isEmpty() ? columns : new Schema(stored);
    // Nested fields the file lacks that have a default: Iceberg's ORC reader refuses them too.
    Schema read = OrcNestedDefaults.without(storedColumns, prunedNested);
    AtomicReference<ArrowBatchConverter> created = new AtomicReference<>();
    ORC.ReadBuilder builder =
        ORC.read(input)
            .project(read)
            .split(request.start(), request.length())
            .filter(request.residual())
            .caseSensitive(request.caseSensitive())
            .recordsPerBatch(Math.min(request.batchSize(), MAX_ORC_BATCH_ROWS))
            .createBatchedReaderFunc(
                readSchema -> {
                  ArrowBatchConverter converter =
                      new ArrowBatchConverter(readSchema, storedColumns, prunedNested);
                  created.set(converter);
                  return converter;
                });
    if (request.nameMapping() != null) {
      builder.withNameMapping(request.nameMapping());
    }
    CloseableIterable<Integer> batches = builder.build();
    CloseableIterator<Integer> iterator = BatchSource.openIterator(batches);
    return new OrcBatchSource(
        batches, iterator, created.get(), storedVectors, constants, request.batchSize(), streams);
  }

  /**
   * The columns of {@code request.mayLack()} and the nested fields with an initial default that the
   * file does not store, from its footer (read only if there are such columns), resolved as
   * Iceberg's ORC reader resolves columns: by the field ids the file carries, else through the name
   * mapping (the table's, else the projected columns' names).
   */
  private static Set<Integer> lackedColumns(
      FileReadRequest request, InputFile input, Schema columns) {
    Set<Integer> candidates = new LinkedHashSet<>();
    for (Types.NestedField column : columns.columns()) {
      if (request.mayLack().contains(column.fieldId())) {
        candidates.add(column.fieldId());
      }
    }
    // Nested fields with a default are not in the task's metrics check; the footer tells.
    candidates.addAll(OrcNestedDefaults.fieldsWithDefaults(columns));
    if (candidates.isEmpty()) {
      return candidates;
    }
    NameMapping mapping =
        request.nameMapping() != null ? request.nameMapping() : MappingUtil.create(columns);
    Metrics footer = OrcMetrics.fromInputFile(input, COUNTS, mapping);
    candidates.removeAll(footer.columnSizes().keySet());
    return candidates;
  }

  /**
   * Fills the vectors with up to the batch size of rows whose positions in the file are contiguous:
   * row batches are appended until the Arrow batch is full or the next row batch does not follow on
   * (ORC skipped row groups or stripes in between), which then starts the next call.
   */
  @Override
  public int next(int maxRows) {
    return OrcSpinGuard.run(() -> fill(maxRows));
  }

  private int fill(int maxRows) {
    int batchRows = Math.min(this.batchRows, maxRows);
    for (FieldVector vector : vectors) {
      Vectors.prepare(vector, batchRows);
    }
    int filled = 0;
    while (filled < batchRows) {
      if (!converter.hasRemaining()) {
        if (!iterator.hasNext()) {
          break;
        }
        iterator.next(); // the converter takes the row batch
        continue;
      }
      long position = converter.nextPosition();
      if (filled == 0) {
        firstPosition = position;
      } else if (position != firstPosition + filled) {
        break;
      }
      filled += converter.convert(vectors, filled, batchRows - filled);
    }
    for (FieldVector vector : vectors) {
      vector.setValueCount(filled);
    }
    for (Constant constant : constants) {
      constant.column().fill(constant.vector(), filled);
    }
    return filled;
  }

  /** ORC's stripes are not visible through Iceberg's reader: only the file's start is known. */
  @Override
  public boolean atBlockStart() {
    return converter.batch == null;
  }

  @Override
  public long firstPosition() {
    return firstPosition;
  }

  @Override
  public String position() {
    // A failure comes from reading or converting the rows after the last converted one; ORC's
    // stripes and row batches are not visible through Iceberg's reader, so rows are what we know.
    if (converter.batch == null) {
      return "first rows";
    }
    return "rows at or after row " + converter.nextPosition();
  }

  @Override
  public void close() throws IOException {
    try (OpenStreams left = streams;
        CloseableIterable<Integer> closing = batches) {
      iterator.close();
    }
  }

  /**
   * Iceberg's batched-reader hook: holds on to the reused row batch Iceberg hands over and converts
   * it into the Arrow vectors, possibly across several Arrow batches. Iceberg overwrites the row
   * batch only when asked for the next one, which {@link #next} does once this one is used up.
   */
  private static final class ArrowBatchConverter implements OrcBatchReader<Integer> {
    private final List<OrcColumnConverter> converters;

    /** Repeating primitive vectors of the current row batch, flattened until it is used up. */
    private final List<ColumnVector> flattened = new ArrayList<>();

    private VectorizedRowBatch batch;
    private long batchPosition;
    private long nextBatchPosition;
    private int consumed;

    ArrowBatchConverter(TypeDescription readSchema, Schema columns, Set<Integer> prunedNested) {
      this.converters = new ArrayList<>(columns.columns().size());
      List<TypeDescription> children = readSchema.getChildren();
      if (children.size() != columns.columns().size()) {
        throw new IllegalStateException(
            String.format(
                "Cannot map ORC read schema %s onto columns %s", readSchema, columns.asStruct()));
      }
      for (int i = 0; i < children.size(); i++) {
        Types.NestedField column = columns.columns().get(i);
        converters.add(OrcColumnConverter.create(children.get(i), column, prunedNested));
      }
    }

    @Override
    public void setBatchContext(long batchOffsetInFile) {
      this.nextBatchPosition = batchOffsetInFile;
    }

    @Override
    public Integer read(VectorizedRowBatch rowBatch) {
      if (rowBatch.selectedInUse) {
        throw new IllegalStateException("Cannot read ORC row batches with a selection vector");
      }
      for (int i = 0; i < converters.size(); i++) {
        OrcNestedConverters.flattenRepeatingLeaves(rowBatch.cols[i], rowBatch.size, flattened);
      }
      this.batch = rowBatch;
      this.batchPosition = nextBatchPosition;
      this.consumed = 0;
      return rowBatch.size;
    }

    boolean hasRemaining() {
      return batch != null && consumed < batch.size;
    }

    /** The file position of the next row not yet converted. */
    long nextPosition() {
      return batchPosition + consumed;
    }

    /**
     * Converts up to {@code maxRows} of the rows not yet converted into rows starting at {@code at}
     * of {@code vectors}.
     *
     * @return the number of rows converted
     */
    int convert(List<FieldVector> vectors, int at, int maxRows) {
      int count = Math.min(maxRows, batch.size - consumed);
      for (int i = 0; i < converters.size(); i++) {
        converters.get(i).convert(batch.cols[i], consumed, count, vectors.get(i), at);
      }
      consumed += count;
      if (consumed == batch.size) {
        for (ColumnVector column : flattened) {
          column.unFlatten();
        }
        flattened.clear();
      }
      return count;
    }
  }
}
