package dev.floe.reader.parquet;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.BatchSource;
import dev.floe.reader.ColumnFill;
import dev.floe.reader.FileReadRequest;
import dev.floe.reader.MissingColumns;
import dev.floe.reader.OpenStreams;
import dev.floe.reader.RelocatedInputFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
import org.apache.iceberg.encryption.NativeEncryptionInputFile;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.VectorizedReader;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.schema.MessageType;

/**
 * Streams a Parquet data file into Arrow vectors: a decoder per projected column, fed page by page
 * by {@link ParquetRowGroups} (footer handling as Iceberg's {@code VectorizedParquetReader}, column
 * chunks read through bounded buffers), so memory does not grow with the row-group size. Batches
 * never span row groups, so each batch's rows are contiguous in the file.
 */
public final class ParquetBatchSource implements BatchSource {
  private static final String VERIFY_PAGE_CHECKSUMS = "parquet.page.verify-checksum.enabled";

  private final CloseableIterable<Integer> batches;
  private final CloseableIterator<Integer> iterator;
  private final ArrowBatchReader reader;
  private final OpenStreams streams;

  private ParquetBatchSource(
      CloseableIterable<Integer> batches,
      CloseableIterator<Integer> iterator,
      ArrowBatchReader reader,
      OpenStreams streams) {
    this.batches = batches;
    this.streams = streams;
    this.iterator = iterator;
    this.reader = reader;
  }

  /**
   * Opens the file of {@code request} and reads its footer, decoding {@code columns} into {@code
   * vectors}.
   *
   * @param columns the columns to decode from the file (no constants), one per vector
   * @param vectors where decoded values go; owned by the caller
   */
  public static ParquetBatchSource open(
      FileReadRequest request, Schema columns, List<FieldVector> vectors) {
    return open(request, columns, vectors, columns);
  }

  /**
   * The same, with the scanned table schema, from which a projected struct whose projected fields a
   * file lacks takes one more field to read its nullness from ({@link StructPresence}).
   */
  public static ParquetBatchSource open(
      FileReadRequest request, Schema columns, List<FieldVector> vectors, Schema tableSchema) {
    requireNonNull(tableSchema, "tableSchema is null");
    Map<Integer, Integer> presence = StructPresence.newPresenceMap();
    Schema readSchema = StructPresence.readSchema(columns, tableSchema, presence);
    requireNonNull(request, "request is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(vectors, "vectors is null");
    // Iceberg's Parquet reader leaves the file open when it fails while opening it (a damaged
    // dictionary or footer): the streams it opens are tracked and closed with this source
    OpenStreams streams = new OpenStreams();
    try {
      return open(
          request,
          streams.track(request.inputFile()),
          columns,
          readSchema,
          presence,
          vectors,
          streams);
    } catch (RuntimeException e) {
      try {
        streams.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static ParquetBatchSource open(
      FileReadRequest request,
      InputFile input,
      Schema columns,
      Schema readSchema,
      Map<Integer, Integer> presence,
      List<FieldVector> vectors,
      OpenStreams streams) {
    AtomicReference<ArrowBatchReader> created = new AtomicReference<>();
    Function<MessageType, VectorizedReader<Integer>> model =
        fileSchema -> {
          ArrowBatchReader reader = new ArrowBatchReader(fileSchema, columns, vectors, presence);
          created.set(reader);
          return reader;
        };
    CloseableIterable<Integer> batches;
    if (request.inputFile() instanceof NativeEncryptionInputFile encrypted) {
      // natively encrypted files are decrypted by Iceberg's reader, which reads a row group whole
      Parquet.ReadBuilder builder =
          Parquet.read(encrypted)
              .project(readSchema)
              .split(request.start(), request.length())
              .filter(request.residual())
              .caseSensitive(request.caseSensitive())
              .recordsPerBatch(request.batchSize())
              .reuseContainers()
              .createBatchedReaderFunc(model::apply);
      if (request.nameMapping() != null) {
        builder.withNameMapping(request.nameMapping());
      }
      batches = builder.build();
    } else {
      batches = ParquetRowGroups.open(request, input, readSchema, model);
    }
    CloseableIterator<Integer> iterator = BatchSource.openIterator(batches);
    return new ParquetBatchSource(batches, iterator, created.get(), streams);
  }

  /**
   * The file, set up so parquet-mr checks each page's CRC before decoding it. Parquet writers
   * (parquet-mr since 1.12, so Iceberg's and Spark's) store a CRC32 of every page, but parquet-mr
   * reads without checking it unless asked, so a damaged page whose compression carries no checksum
   * of its own (zstd and snappy frames, uncompressed pages) decodes into wrong values without an
   * error. parquet-mr takes the switch only from a Hadoop file's configuration (also behind a
   * {@link RelocatedInputFile}); other files are read as they are. Pages written without a CRC are
   * not checked.
   */
  public static InputFile verifyingPageChecksums(InputFile file) {
    InputFile target = file instanceof RelocatedInputFile relocated ? relocated.target() : file;
    if (!(target instanceof HadoopInputFile hadoop) || hadoop.nativeCryptoParameters() != null) {
      return file;
    }
    Configuration conf = new Configuration(hadoop.getConf());
    conf.setBoolean(VERIFY_PAGE_CHECKSUMS, true);
    return HadoopInputFile.fromPath(
        hadoop.getPath(), hadoop.getLength(), hadoop.getFileSystem(), conf);
  }

  /**
   * Iceberg's reader hands out batches of the batch size (fewer at a row group's end) and counts
   * them read at once; the rows of such a batch are decoded here, in one or (under {@code maxRows})
   * several calls, before the next one is asked for, so a batch still never spans row groups.
   */
  @Override
  public int next(int maxRows) {
    if (reader.pending == 0) {
      if (!iterator.hasNext()) {
        return 0;
      }
      iterator.next();
    }
    return reader.decode(maxRows);
  }

  @Override
  public boolean atBlockStart() {
    return reader.rowGroupStart < 0
        || (reader.pending == 0 && reader.nextPosition >= reader.rowGroupEnd);
  }

  @Override
  public long firstPosition() {
    return reader.firstPosition;
  }

  @Override
  public String position() {
    if (reader.rowGroupStart < 0) {
      return "first row group";
    }
    // a row group's small chunks are read when it is opened, its pages as they are decoded: a
    // failure after the current row group's last row is in the row group opened next
    return reader.nextPosition < reader.rowGroupEnd
        ? "row group at row " + reader.rowGroupStart
        : "row group after row " + (reader.rowGroupEnd - 1);
  }

  @Override
  public void close() throws IOException {
    try (OpenStreams left = streams;
        CloseableIterable<Integer> closing = batches) {
      iterator.close();
    }
  }

  /** Iceberg's batched-reader hook: decodes {@code numRows} rows of the current row group. */
  private static final class ArrowBatchReader implements VectorizedReader<Integer> {
    private final List<RowGroupColumn> decoders = new ArrayList<>();
    private final List<ColumnFill> fills;
    private final List<FieldVector> vectors;
    private long rowGroupStart = -1;
    private long rowGroupEnd = -1;
    private long firstPosition;
    private long nextPosition;

    /** Rows of Iceberg's current batch not decoded yet. */
    private int pending;

    ArrowBatchReader(
        MessageType fileSchema,
        Schema columns,
        List<FieldVector> vectors,
        Map<Integer, Integer> presence) {
      this.fills = new ArrayList<>(columns.columns().size());
      this.vectors = vectors;
      for (Types.NestedField column : columns.columns()) {
        RowGroupColumn decoder = decoderFor(fileSchema, column, presence);
        if (decoder == null) {
          fills.add(MissingColumns.fill(column)::fill);
        } else {
          decoders.add(decoder);
          fills.add(decoder::decode);
        }
      }
    }

    /** The decoder of a column, or null if the file does not have it. */
    private static RowGroupColumn decoderFor(
        MessageType fileSchema, Types.NestedField column, Map<Integer, Integer> presence) {
      for (org.apache.parquet.schema.Type field : fileSchema.getFields()) {
        if (field.getId() != null && field.getId().intValue() == column.fieldId()) {
          if (!column.type().isPrimitiveType()) {
            DremelNode root = NestedColumns.resolve(fileSchema, column, field, presence);
            return root == null ? null : new NestedColumn(new NestedColumnDecoder(root));
          }
          if (!field.isPrimitive()) {
            throw new UnsupportedOperationException(
                String.format(
                    "Cannot read column '%s': the file stores %s, expected a primitive %s",
                    column.name(), field, column.type()));
          }
          ColumnDescriptor descriptor =
              fileSchema.getColumnDescription(new String[] {field.getName()});
          return new AdaptiveDecoder(
              ParquetDecoders.create(descriptor, column.type()),
              PageDecoder.create(descriptor, column.type()));
        }
      }
      return null;
    }

    /** Takes Iceberg's next batch of {@code numRows} rows, decoded by {@link #decode}. */
    @Override
    public Integer read(Integer reuse, int numRows) {
      this.pending = numRows;
      return numRows;
    }

    /** Decodes up to {@code maxRows} of the pending rows. */
    int decode(int maxRows) {
      int rows = Math.min(pending, maxRows);
      for (int i = 0; i < fills.size(); i++) {
        fills.get(i).fill(vectors.get(i), rows);
      }
      this.firstPosition = nextPosition;
      this.nextPosition += rows;
      this.pending -= rows;
      return rows;
    }

    @Override
    public void setBatchSize(int batchSize) {}

    @Override
    public void setRowGroupInfo(
        PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      this.rowGroupStart =
          pages
              .getRowIndexOffset()
              .orElseThrow(
                  () -> new IllegalStateException("Cannot find the row index of a row group"));
      this.rowGroupEnd = rowGroupStart + pages.getRowCount();
      this.nextPosition = rowGroupStart;
      for (RowGroupColumn decoder : decoders) {
        decoder.startRowGroup(pages, metadata);
      }
    }

    @Override
    public void close() {}
  }

  /** One projected column's decoder, switched to each row group's column chunks in turn. */
  private interface RowGroupColumn {
    void startRowGroup(PageReadStore store, Map<ColumnPath, ColumnChunkMetaData> metadata);

    void decode(FieldVector vector, int rows);
  }

  /** A struct, list or map column: its leaves' chunks, assembled into nested vectors. */
  private record NestedColumn(NestedColumnDecoder decoder) implements RowGroupColumn {
    @Override
    public void startRowGroup(PageReadStore store, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      decoder.startRowGroup(store, metadata);
    }

    @Override
    public void decode(FieldVector vector, int rows) {
      decoder.decode(vector, rows);
    }
  }

  /**
   * Decodes a column with the page decoder when the row group's chunk uses only encodings it knows,
   * else value by value through parquet-mr. The choice is made per row group.
   */
  private static final class AdaptiveDecoder implements RowGroupColumn {
    private final ParquetColumnDecoder valueByValue;
    private final PageDecoder pages;
    private ColumnChunkDecoder current;

    AdaptiveDecoder(ParquetColumnDecoder valueByValue, PageDecoder pages) {
      this.valueByValue = valueByValue;
      this.pages = pages;
    }

    @Override
    public void startRowGroup(PageReadStore store, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      ColumnChunkMetaData chunk = metadata.get(ColumnPath.get(valueByValue.descriptor().getPath()));
      this.current = pages != null && PageDecoder.supports(chunk) ? pages : valueByValue;
      current.startRowGroup(store);
    }

    @Override
    public void decode(FieldVector vector, int rows) {
      current.decode(vector, rows);
    }
  }
}
