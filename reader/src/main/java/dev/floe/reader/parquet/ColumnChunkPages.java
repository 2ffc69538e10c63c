package dev.floe.reader.parquet;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputDecompressor;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The pages of one column chunk, read one at a time as the decoder asks for them: a page's header
 * and compressed bytes come through the chunk's bounded {@link ChunkInput}, its CRC (when the
 * writer stored one) is checked, and it is decompressed: zstd data pages by zstd-jni into a buffer
 * reused from page to page (a data page is valid until the next {@link #readPage()}), other pages
 * into an array of their own, other codecs through parquet-mr's. So a chunk costs its read buffer
 * plus the page being decoded, not the whole chunk.
 */
final class ColumnChunkPages implements PageReader {
  private static final ParquetMetadataConverter CONVERTER = new ParquetMetadataConverter();

  private final ColumnDescriptor column;
  private final ColumnChunkMetaData metadata;
  private final ChunkInput input;
  private final BytesInputDecompressor decompressor;
  private final boolean uncompressed;
  private final boolean zstd;
  private byte[] pageBuffer = new byte[0];
  private final Statistics<?> noStatistics;

  /** The first data page's header when the chunk has no dictionary page. */
  private PageHeader pending;

  private long pendingOffset;
  private boolean started;
  private long valuesRead;

  ColumnChunkPages(
      ColumnDescriptor column,
      ColumnChunkMetaData metadata,
      ChunkInput input,
      BytesInputDecompressor decompressor) {
    this.column = column;
    this.metadata = metadata;
    this.input = input;
    this.decompressor = decompressor;
    this.uncompressed = metadata.getCodec() == CompressionCodecName.UNCOMPRESSED;
    this.zstd = metadata.getCodec() == CompressionCodecName.ZSTD;
    this.noStatistics = Statistics.getBuilderForReading(column.getPrimitiveType()).build();
  }

  @Override
  public long getTotalValueCount() {
    return metadata.getValueCount();
  }

  @Override
  public DictionaryPage readDictionaryPage() {
    if (started) {
      return null;
    }
    this.started = true;
    if (metadata.getValueCount() == 0 && input.remaining() == 0) {
      return null;
    }
    long offset = input.offset();
    PageHeader header = readHeader();
    if (!header.isSetDictionary_page_header()) {
      this.pending = header;
      this.pendingOffset = offset;
      return null;
    }
    try {
      DictionaryPageHeader dictionary = header.getDictionary_page_header();
      byte[] bytes = body(header, offset, header.getUncompressed_page_size());
      return new DictionaryPage(
          BytesInput.from(bytes),
          header.getUncompressed_page_size(),
          dictionary.getNum_values(),
          CONVERTER.getEncoding(dictionary.getEncoding()));
    } catch (IOException | RuntimeException e) {
      throw failure("dictionary page", offset, e);
    }
  }

  @Override
  public DataPage readPage() {
    readDictionaryPage();
    while (valuesRead < metadata.getValueCount() && (pending != null || input.remaining() > 0)) {
      long offset;
      PageHeader header;
      if (pending != null) {
        header = pending;
        offset = pendingOffset;
        this.pending = null;
      } else {
        offset = input.offset();
        header = readHeader();
      }
      try {
        if (header.isSetData_page_header()) {
          DataPage page = dataPageV1(header, offset);
          valuesRead += page.getValueCount();
          return page;
        }
        if (header.isSetData_page_header_v2()) {
          DataPage page = dataPageV2(header, offset);
          valuesRead += page.getValueCount();
          return page;
        }
        if (header.isSetDictionary_page_header()) {
          throw new IOException("a second dictionary page");
        }
        // an index page, or a kind this reader does not know: not needed to decode values
        skip(header);
      } catch (IOException | RuntimeException e) {
        throw failure("page", offset, e);
      }
    }
    return null;
  }

  private DataPage dataPageV1(PageHeader header, long offset) throws IOException {
    DataPageHeader data = header.getData_page_header();
    BytesInput bytes = dataBytes(checkedBody(header, offset), header.getUncompressed_page_size());
    return new DataPageV1(
        bytes,
        data.getNum_values(),
        header.getUncompressed_page_size(),
        noStatistics,
        CONVERTER.getEncoding(data.getRepetition_level_encoding()),
        CONVERTER.getEncoding(data.getDefinition_level_encoding()),
        CONVERTER.getEncoding(data.getEncoding()));
  }

  private DataPage dataPageV2(PageHeader header, long offset) throws IOException {
    DataPageHeaderV2 data = header.getData_page_header_v2();
    int repetitionBytes = data.getRepetition_levels_byte_length();
    int definitionBytes = data.getDefinition_levels_byte_length();
    int compressedSize = header.getCompressed_page_size();
    int levelBytes = repetitionBytes + definitionBytes;
    if (repetitionBytes < 0 || definitionBytes < 0 || levelBytes > compressedSize) {
      throw new IOException(
          String.format(
              "level lengths %d + %d exceed the page's %d bytes",
              repetitionBytes, definitionBytes, compressedSize));
    }
    ChunkInput.Slice page = checkedBody(header, offset);
    byte[] repetition =
        Arrays.copyOfRange(page.bytes(), page.offset(), page.offset() + repetitionBytes);
    byte[] definition =
        Arrays.copyOfRange(
            page.bytes(), page.offset() + repetitionBytes, page.offset() + levelBytes);
    ChunkInput.Slice values =
        new ChunkInput.Slice(page.bytes(), page.offset() + levelBytes, page.length() - levelBytes);
    int valuesSize = header.getUncompressed_page_size() - levelBytes;
    BytesInput decompressed =
        data.isIs_compressed()
            ? dataBytes(values, valuesSize)
            : BytesInput.from(copy(values, valuesSize));
    return DataPageV2.uncompressed(
        data.getNum_rows(),
        data.getNum_nulls(),
        data.getNum_values(),
        BytesInput.from(repetition),
        BytesInput.from(definition),
        CONVERTER.getEncoding(data.getEncoding()),
        decompressed,
        noStatistics);
  }

  /** The page's bytes after its header, checked and decompressed into an array of their own. */
  private byte[] body(PageHeader header, long offset, int uncompressedSize) throws IOException {
    ChunkInput.Slice page = checkedBody(header, offset);
    return decompress(page, uncompressedSize);
  }

  private ChunkInput.Slice checkedBody(PageHeader header, long offset) throws IOException {
    int compressedSize = header.getCompressed_page_size();
    int uncompressedSize = header.getUncompressed_page_size();
    if (compressedSize < 0 || uncompressedSize < 0) {
      throw new IOException(
          String.format("negative page size %d / %d", compressedSize, uncompressedSize));
    }
    // a damaged header must not make this reader allocate more than the chunk can decode into
    if (uncompressedSize > metadata.getTotalUncompressedSize()) {
      throw new IOException(
          String.format(
              "the page claims %d bytes uncompressed, more than the column chunk's %d",
              uncompressedSize, metadata.getTotalUncompressedSize()));
    }
    ChunkInput.Slice page = input.take(compressedSize);
    if (header.isSetCrc()) {
      CRC32 crc = new CRC32();
      crc.update(page.bytes(), page.offset(), page.length());
      if ((int) crc.getValue() != header.getCrc()) {
        throw new IOException("the page's bytes do not match its CRC");
      }
    }
    return page;
  }

  /**
   * A data page's decompressed bytes. Zstd pages are decompressed into this chunk's page buffer,
   * reused from page to page: a data page is valid until the next {@link #readPage()}, which every
   * decoder of this package honours (each decodes or copies a page's values before it asks for the
   * next one). Dictionary pages, which live as long as the chunk, get arrays of their own.
   */
  private BytesInput dataBytes(ChunkInput.Slice page, int uncompressedSize) throws IOException {
    if (!zstd) {
      return BytesInput.from(decompress(page, uncompressedSize));
    }
    if (pageBuffer.length < uncompressedSize) {
      pageBuffer = new byte[uncompressedSize];
    }
    decompressZstd(page, pageBuffer, uncompressedSize);
    return BytesInput.from(pageBuffer, 0, uncompressedSize);
  }

  private byte[] decompress(ChunkInput.Slice page, int uncompressedSize) throws IOException {
    if (uncompressed) {
      return copy(page, uncompressedSize);
    }
    if (zstd) {
      byte[] bytes = new byte[uncompressedSize];
      decompressZstd(page, bytes, uncompressedSize);
      return bytes;
    }
    BytesInput decompressed =
        decompressor.decompress(
            BytesInput.from(page.bytes(), page.offset(), page.length()), uncompressedSize);
    // materialized now: the codec may read its input lazily, and the input is the read buffer
    byte[] bytes = array(decompressed);
    if (bytes.length != uncompressedSize) {
      throw new IOException(
          String.format(
              "the page decompressed into %d bytes, its header says %d",
              bytes.length, uncompressedSize));
    }
    return bytes;
  }

  /**
   * A zstd page, decompressed by zstd-jni straight into {@code bytes}: parquet-mr's codec goes
   * through a decompressing stream created per page and copies the result twice, which made its
   * arrays most of what a Parquet scan allocated.
   */
  private static void decompressZstd(ChunkInput.Slice page, byte[] bytes, int uncompressedSize)
      throws IOException {
    long size;
    try {
      size =
          Zstd.decompressByteArray(
              bytes, 0, uncompressedSize, page.bytes(), page.offset(), page.length());
    } catch (RuntimeException e) {
      throw new IOException("the zstd page cannot be decompressed: " + e.getMessage(), e);
    }
    if (Zstd.isError(size)) {
      throw new IOException("the zstd page cannot be decompressed: " + Zstd.getErrorName(size));
    }
    if (size != uncompressedSize) {
      throw new IOException(
          String.format(
              "the page decompressed into %d bytes, its header says %d", size, uncompressedSize));
    }
  }

  /** The bytes of {@code input}, without a copy when they are one whole array already. */
  private static byte[] array(BytesInput input) throws IOException {
    ByteBuffer buffer = input.toByteBuffer();
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static byte[] copy(ChunkInput.Slice page, int uncompressedSize) throws IOException {
    if (page.length() != uncompressedSize) {
      throw new IOException(
          String.format(
              "an uncompressed page of %d bytes whose header says %d",
              page.length(), uncompressedSize));
    }
    return Arrays.copyOfRange(page.bytes(), page.offset(), page.offset() + page.length());
  }

  private void skip(PageHeader header) throws IOException {
    int size = header.getCompressed_page_size();
    if (size < 0 || size > input.remaining()) {
      throw new IOException("a page of " + size + " bytes past the end of the column chunk");
    }
    input.skip(size);
  }

  private PageHeader readHeader() {
    long offset = input.offset();
    try {
      return Util.readPageHeader(input);
    } catch (IOException | RuntimeException e) {
      throw failure("page header", offset, e);
    }
  }

  private UncheckedIOException failure(String what, long offset, Exception cause) {
    String detail = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new UncheckedIOException(
        new IOException(
            String.format(
                "Cannot read the %s at byte %d of column %s (chunk of %d values at byte %d): %s",
                what,
                offset,
                String.join(".", column.getPath()),
                metadata.getValueCount(),
                metadata.getStartingPos(),
                detail),
            cause));
  }
}
