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
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Schema;
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
 * Streams a Parquet data file into Arrow vectors. File handling — footer, field-id / name-mapping
 * resolution, split bounds, row-group pruning from the filter — is Iceberg's own {@code
 * VectorizedParquetReader}; this class plugs a decoder per projected column into it. Decoder state
 * is one row group's projected column chunks; batches never span row groups, so each batch's rows
 * are contiguous in the file.
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
    requireNonNull(request, "request is null");
    requireNonNull(columns, "columns is null");
    requireNonNull(vectors, "vectors is null");
    // Iceberg's Parquet reader leaves the file open when it fails while opening it (a damaged
    // dictionary or footer): the streams it opens are tracked and closed with this source
    OpenStreams streams = new OpenStreams();
    try {
      return open(
          request,
          streams.track(verifyingPageChecksums(request.inputFile())),
          columns,
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
      List<FieldVector> vectors,
      OpenStreams streams) {
    AtomicReference<ArrowBatchReader> created = new AtomicReference<>();
    Parquet.ReadBuilder builder =
        Parquet.read(input)
            .project(columns)
            .split(request.start(), request.length())
            .filter(request.residual())
            .caseSensitive(request.caseSensitive())
            .recordsPerBatch(request.batchSize())
            .reuseContainers()
            .createBatchedReaderFunc(
                fileSchema -> {
                  ArrowBatchReader reader = new ArrowBatchReader(fileSchema, columns, vectors);
                  created.set(reader);
                  return reader;
                });
    if (request.nameMapping() != null) {
      builder.withNameMapping(request.nameMapping());
    }
    CloseableIterable<Integer> batches = builder.build();
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

  @Override
  public int next() {
    if (!iterator.hasNext()) {
      return 0;
    }
    return iterator.next();
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
    // Iceberg reads (and checks) a row group's pages before handing it over, so a failure after
    // the current row group's last row is in the row group read next.
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
    private final List<AdaptiveDecoder> decoders = new ArrayList<>();
    private final List<ColumnFill> fills;
    private final List<FieldVector> vectors;
    private long rowGroupStart = -1;
    private long rowGroupEnd = -1;
    private long firstPosition;
    private long nextPosition;

    ArrowBatchReader(MessageType fileSchema, Schema columns, List<FieldVector> vectors) {
      this.fills = new ArrayList<>(columns.columns().size());
      this.vectors = vectors;
      for (Types.NestedField column : columns.columns()) {
        AdaptiveDecoder decoder = decoderFor(fileSchema, column);
        if (decoder == null) {
          fills.add(MissingColumns.fill(column)::fill);
        } else {
          decoders.add(decoder);
          fills.add(decoder::decode);
        }
      }
    }

    /** The decoder of a column, or null if the file does not have it. */
    private static AdaptiveDecoder decoderFor(MessageType fileSchema, Types.NestedField column) {
      for (org.apache.parquet.schema.Type field : fileSchema.getFields()) {
        if (field.getId() != null && field.getId().intValue() == column.fieldId()) {
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

    @Override
    public Integer read(Integer reuse, int numRows) {
      for (int i = 0; i < fills.size(); i++) {
        fills.get(i).fill(vectors.get(i), numRows);
      }
      this.firstPosition = nextPosition;
      this.nextPosition += numRows;
      return numRows;
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
      for (AdaptiveDecoder decoder : decoders) {
        decoder.startRowGroup(pages, metadata);
      }
    }

    @Override
    public void close() {}
  }

  /**
   * Decodes a column with the page decoder when the row group's chunk uses only encodings it knows,
   * else value by value through parquet-mr. The choice is made per row group.
   */
  private static final class AdaptiveDecoder {
    private final ParquetColumnDecoder valueByValue;
    private final PageDecoder pages;
    private ColumnChunkDecoder current;

    AdaptiveDecoder(ParquetColumnDecoder valueByValue, PageDecoder pages) {
      this.valueByValue = valueByValue;
      this.pages = pages;
    }

    void startRowGroup(PageReadStore store, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      ColumnChunkMetaData chunk = metadata.get(ColumnPath.get(valueByValue.descriptor().getPath()));
      this.current = pages != null && PageDecoder.supports(chunk) ? pages : valueByValue;
      current.startRowGroup(store);
    }

    void decode(FieldVector vector, int rows) {
      current.decode(vector, rows);
    }
  }
}
