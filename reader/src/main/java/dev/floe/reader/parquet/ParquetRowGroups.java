package dev.floe.reader.parquet;

import dev.floe.reader.FileReadRequest;
import dev.floe.reader.RelocatedInputFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.CloseableIterator;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetBloomRowGroupFilter;
import org.apache.iceberg.parquet.ParquetDictionaryRowGroupFilter;
import org.apache.iceberg.parquet.ParquetMetricsRowGroupFilter;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.VectorizedReader;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;

/**
 * A Parquet file's row groups handed to a batched reader, as Iceberg's {@code
 * VectorizedParquetReader} does — the same footer handling (field ids, name mapping or fallback
 * ids; the split's row groups by midpoint; row groups pruned by Iceberg's metrics, dictionary and
 * Bloom filters) — except that a row group's column chunks are not read into memory at once: each
 * is read page by page through a bounded buffer ({@link RowGroupPages}). Memory per open file is
 * the read budget plus the pages being decoded, whatever the row-group size.
 *
 * <p>One stream is opened on the file, for the footer and every chunk.
 */
final class ParquetRowGroups implements CloseableIterable<Integer> {
  /** Read buffers of one open file's streamed column chunks together (each within bounds). */
  static final long READ_BUDGET = 16L << 20;

  private final ParquetFileReader footer;
  private final SeekableInputStream stream;
  private final CompressionCodecFactory codecs;
  private final long fileLength;
  private final VectorizedReader<Integer> model;
  private final List<BlockMetaData> rowGroups;
  private final List<ColumnPath> columns;
  private final int batchSize;
  private boolean iterated;
  private boolean closed;

  private ParquetRowGroups(
      ParquetFileReader footer,
      SeekableInputStream stream,
      CompressionCodecFactory codecs,
      long fileLength,
      VectorizedReader<Integer> model,
      List<BlockMetaData> rowGroups,
      List<ColumnPath> columns,
      int batchSize) {
    this.footer = footer;
    this.stream = stream;
    this.codecs = codecs;
    this.fileLength = fileLength;
    this.model = model;
    this.rowGroups = rowGroups;
    this.columns = columns;
    this.batchSize = batchSize;
  }

  /**
   * Reads the footer of {@code input} and chooses the row groups of {@code request} to read; {@code
   * model} gets the file schema with field ids.
   *
   * @param readSchema the columns to read, with those the residual filter refers to
   */
  static ParquetRowGroups open(
      FileReadRequest request,
      InputFile input,
      Schema readSchema,
      Function<MessageType, VectorizedReader<Integer>> model) {
    ParquetReadOptions options =
        optionsFor(input)
            .withRange(request.start(), request.start() + request.length())
            .usePageChecksumVerification(true)
            .build();
    long length = input.getLength();
    SeekableInputStream stream = new IcebergStream(input.newStream());
    ParquetFileReader footer = null;
    try {
      footer = ParquetFileReader.open(new ParquetInput(input, length), options, stream);
      MessageType fileSchema = footer.getFileMetaData().getSchema();
      MessageType typeWithIds;
      MessageType projection;
      if (ParquetSchemaUtil.hasIds(fileSchema)) {
        typeWithIds = fileSchema;
        projection = ParquetSchemaUtil.pruneColumns(fileSchema, readSchema);
      } else if (request.nameMapping() != null) {
        typeWithIds = ParquetSchemaUtil.applyNameMapping(fileSchema, request.nameMapping());
        projection = ParquetSchemaUtil.pruneColumns(typeWithIds, readSchema);
      } else {
        typeWithIds = ParquetSchemaUtil.addFallbackIds(fileSchema);
        projection = ParquetSchemaUtil.pruneColumnsFallback(fileSchema, readSchema);
      }
      List<BlockMetaData> selected =
          selectRowGroups(
              footer,
              new CheckedDictionaries(stream, length, options.getCodecFactory()),
              typeWithIds,
              readSchema,
              request.residual(),
              request);
      List<ColumnPath> columns = new ArrayList<>();
      for (ColumnDescriptor column : projection.getColumns()) {
        columns.add(ColumnPath.get(column.getPath()));
      }
      return new ParquetRowGroups(
          footer,
          stream,
          options.getCodecFactory(),
          length,
          model.apply(typeWithIds),
          selected,
          columns,
          request.batchSize());
    } catch (IOException e) {
      closeAfterFailure(footer, stream, e);
      throw new UncheckedIOException(
          new IOException("Cannot read the Parquet footer of " + input.location(), e));
    } catch (RuntimeException e) {
      closeAfterFailure(footer, stream, e);
      throw e;
    }
  }

  private static ParquetReadOptions.Builder optionsFor(InputFile input) {
    InputFile target = input instanceof RelocatedInputFile relocated ? relocated.target() : input;
    // Hadoop's settings (codecs) of a Hadoop file, as Iceberg's reader takes them
    return target instanceof HadoopInputFile hadoop
        ? HadoopReadOptions.builder(hadoop.getConf())
        : ParquetReadOptions.builder();
  }

  private static List<BlockMetaData> selectRowGroups(
      ParquetFileReader footer,
      CheckedDictionaries checked,
      MessageType typeWithIds,
      Schema readSchema,
      Expression residual,
      FileReadRequest request) {
    List<BlockMetaData> rowGroups = footer.getRowGroups();
    if (residual == null || residual.equals(Expressions.alwaysTrue())) {
      return rowGroups;
    }
    boolean caseSensitive = request.caseSensitive();
    ParquetMetricsRowGroupFilter metrics =
        new ParquetMetricsRowGroupFilter(readSchema, residual, caseSensitive);
    ParquetDictionaryRowGroupFilter dictionaries =
        new ParquetDictionaryRowGroupFilter(readSchema, residual, caseSensitive);
    ParquetBloomRowGroupFilter blooms =
        new ParquetBloomRowGroupFilter(readSchema, residual, caseSensitive);
    List<BlockMetaData> selected = new ArrayList<>();
    for (BlockMetaData rowGroup : rowGroups) {
      if (metrics.shouldRead(typeWithIds, rowGroup)
          && dictionaries.shouldRead(typeWithIds, rowGroup, checked.of(rowGroup))
          && blooms.shouldRead(typeWithIds, rowGroup, footer.getBloomFilterDataReader(rowGroup))) {
        selected.add(rowGroup);
      }
    }
    return selected;
  }

  private static void closeAfterFailure(
      ParquetFileReader footer, SeekableInputStream stream, Exception failure) {
    try {
      if (footer != null) {
        footer.close();
      } else {
        stream.close();
      }
    } catch (IOException | RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  @Override
  public CloseableIterator<Integer> iterator() {
    if (iterated) {
      throw new IllegalStateException("Cannot read the row groups of a file twice");
    }
    this.iterated = true;
    return new Batches();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return; // both the iterator and the iterable close the file
    }
    this.closed = true;
    try (ParquetFileReader closing = footer) {
      model.close();
    }
  }

  /** Batches of at most the batch size, none spanning row groups; each is one {@code read}. */
  private final class Batches implements CloseableIterator<Integer> {
    private int nextRowGroup;
    private long rowsLeft;

    @Override
    public boolean hasNext() {
      while (rowsLeft == 0 && nextRowGroup < rowGroups.size()) {
        BlockMetaData rowGroup = rowGroups.get(nextRowGroup++);
        if (rowGroup.getRowCount() == 0) {
          continue;
        }
        try {
          RowGroupPages pages =
              RowGroupPages.open(stream, fileLength, rowGroup, columns, codecs, READ_BUDGET);
          model.setRowGroupInfo(pages, pages.metadata());
        } catch (IOException e) {
          throw new UncheckedIOException(
              new IOException(
                  "Cannot read the row group at row " + rowGroup.getRowIndexOffset(), e));
        }
        this.rowsLeft = rowGroup.getRowCount();
      }
      return rowsLeft > 0;
    }

    @Override
    public Integer next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int rows = (int) Math.min(rowsLeft, batchSize);
      rowsLeft -= rows;
      return model.read(null, rows);
    }

    @Override
    public void close() throws IOException {
      ParquetRowGroups.this.close();
    }
  }

  /**
   * The dictionary pages Iceberg's dictionary row-group filter asks for, read as the data pages are
   * ({@link ColumnChunkPages}: CRC checked, size capped) — parquet-mr's own dictionary reader
   * checks no CRC, so a damaged dictionary could make the filter skip a row group holding matching
   * rows.
   */
  private record CheckedDictionaries(
      SeekableInputStream stream, long fileLength, CompressionCodecFactory codecs) {
    DictionaryPageReadStore of(BlockMetaData rowGroup) {
      return descriptor -> {
        ColumnPath path = ColumnPath.get(descriptor.getPath());
        for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
          if (!chunk.getPath().equals(path)) {
            continue;
          }
          if (!chunk.hasDictionaryPage()) {
            return null;
          }
          long start = chunk.getStartingPos();
          long end = Math.min(fileLength, start + chunk.getTotalSize());
          ChunkInput input =
              ChunkInput.streamed(stream, start, Math.max(start, end), RowGroupPages.MIN_BUFFER);
          return new ColumnChunkPages(
                  descriptor, chunk, input, codecs.getDecompressor(chunk.getCodec()))
              .readDictionaryPage();
        }
        return null;
      };
    }
  }

  /** The Parquet view of an Iceberg file (its length known, so not asked for again). */
  private record ParquetInput(InputFile file, long length)
      implements org.apache.parquet.io.InputFile {
    @Override
    public long getLength() {
      return length;
    }

    @Override
    public SeekableInputStream newStream() {
      return new IcebergStream(file.newStream());
    }
  }

  /** An Iceberg stream read by parquet-mr. */
  private static final class IcebergStream extends DelegatingSeekableInputStream {
    private final org.apache.iceberg.io.SeekableInputStream stream;

    IcebergStream(org.apache.iceberg.io.SeekableInputStream stream) {
      super(stream);
      this.stream = stream;
    }

    @Override
    public long getPos() throws IOException {
      return stream.getPos();
    }

    @Override
    public void seek(long position) throws IOException {
      stream.seek(position);
    }
  }
}
