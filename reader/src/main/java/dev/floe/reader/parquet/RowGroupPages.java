package dev.floe.reader.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.SeekableInputStream;

/**
 * One row group's projected column chunks, each read page by page ({@link ColumnChunkPages}) so
 * that memory does not grow with the row group. The chunks share a read budget: each large chunk is
 * streamed through a buffer of {@code budget / chunks} bytes (within [{@value #MIN_BUFFER}, {@value
 * #MAX_BUFFER}]); chunks no larger than their buffer are read whole up front, neighbours together
 * in one read of at most {@value #MAX_COALESCED} bytes, as parquet-mr reads a row group.
 */
final class RowGroupPages implements PageReadStore {
  static final int MIN_BUFFER = 64 << 10;
  static final int MAX_BUFFER = 1 << 20;
  static final int MAX_COALESCED = 8 << 20;

  /** Bytes between two small chunks up to which they are still read in one go. */
  private static final int MAX_GAP = 64 << 10;

  private final BlockMetaData rowGroup;
  private final Map<ColumnPath, ColumnChunkMetaData> chunks;
  private final Map<ColumnPath, ChunkInput> inputs;
  private final Map<ColumnPath, PageReader> readers = new HashMap<>();
  private final CompressionCodecFactory codecs;

  private RowGroupPages(
      BlockMetaData rowGroup,
      Map<ColumnPath, ColumnChunkMetaData> chunks,
      Map<ColumnPath, ChunkInput> inputs,
      CompressionCodecFactory codecs) {
    this.rowGroup = rowGroup;
    this.chunks = chunks;
    this.inputs = inputs;
    this.codecs = codecs;
  }

  /**
   * Plans the reads of {@code rowGroup}'s chunks of {@code columns} from {@code file}; the small
   * chunks are read now, the large ones as their pages are asked for.
   *
   * @param budget bytes of read buffers for the row group's streamed chunks together
   */
  static RowGroupPages open(
      SeekableInputStream file,
      long fileLength,
      BlockMetaData rowGroup,
      List<ColumnPath> columns,
      CompressionCodecFactory codecs,
      long budget)
      throws IOException {
    Map<ColumnPath, ColumnChunkMetaData> all = new HashMap<>();
    for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
      all.put(chunk.getPath(), chunk);
    }
    Map<ColumnPath, ColumnChunkMetaData> chunks = new HashMap<>();
    List<ColumnChunkMetaData> projected = new ArrayList<>();
    for (ColumnPath column : columns) {
      ColumnChunkMetaData chunk = all.get(column);
      if (chunk != null) {
        chunks.put(column, chunk);
        projected.add(chunk);
      }
    }
    int buffer =
        (int)
            Math.max(
                MIN_BUFFER, Math.min(MAX_BUFFER, budget / Math.max(1, (long) projected.size())));
    projected.sort(Comparator.comparingLong(ColumnChunkMetaData::getStartingPos));
    Map<ColumnPath, ChunkInput> inputs = new HashMap<>();
    List<ColumnChunkMetaData> group = new ArrayList<>();
    for (ColumnChunkMetaData chunk : projected) {
      long start = chunk.getStartingPos();
      long size = chunk.getTotalSize();
      if (start < 0 || size < 0 || size > fileLength - start) {
        throw new IOException(
            String.format(
                "Invalid column chunk %s: %d bytes at byte %d of a file of %d bytes",
                chunk.getPath(), size, start, fileLength));
      }
      if (size > buffer) {
        inputs.put(chunk.getPath(), ChunkInput.streamed(file, start, start + size, buffer));
        continue;
      }
      if (!group.isEmpty()) {
        ColumnChunkMetaData first = group.get(0);
        ColumnChunkMetaData last = group.get(group.size() - 1);
        long end = last.getStartingPos() + last.getTotalSize();
        if (start < end
            || start - end > MAX_GAP
            || start + size - first.getStartingPos() > MAX_COALESCED) {
          readTogether(file, group, inputs);
          group.clear();
        }
      }
      group.add(chunk);
    }
    readTogether(file, group, inputs);
    return new RowGroupPages(rowGroup, chunks, inputs, codecs);
  }

  /** Reads adjacent small chunks in one read. */
  private static void readTogether(
      SeekableInputStream file, List<ColumnChunkMetaData> group, Map<ColumnPath, ChunkInput> inputs)
      throws IOException {
    if (group.isEmpty()) {
      return;
    }
    long start = group.get(0).getStartingPos();
    ColumnChunkMetaData last = group.get(group.size() - 1);
    int length = Math.toIntExact(last.getStartingPos() + last.getTotalSize() - start);
    byte[] bytes = new byte[length];
    file.seek(start);
    file.readFully(bytes);
    for (ColumnChunkMetaData chunk : group) {
      int offset = (int) (chunk.getStartingPos() - start);
      inputs.put(
          chunk.getPath(),
          ChunkInput.buffered(
              bytes, offset, chunk.getStartingPos(), Math.toIntExact(chunk.getTotalSize())));
    }
  }

  /** The projected chunks' metadata, by column path. */
  Map<ColumnPath, ColumnChunkMetaData> metadata() {
    return chunks;
  }

  /** The chunk's pages; asked for again, the same reader (its state is where the pages are). */
  @Override
  public PageReader getPageReader(ColumnDescriptor descriptor) {
    return readers.computeIfAbsent(
        ColumnPath.get(descriptor.getPath()), path -> newPageReader(descriptor, path));
  }

  private PageReader newPageReader(ColumnDescriptor descriptor, ColumnPath path) {
    ChunkInput input = inputs.get(path);
    ColumnChunkMetaData chunk = chunks.get(path);
    if (input == null || chunk == null) {
      throw new IllegalArgumentException("Cannot find the column chunk of " + path);
    }
    try {
      return new ColumnChunkPages(
          descriptor, chunk, input, codecs.getDecompressor(chunk.getCodec()));
    } catch (RuntimeException e) {
      throw new UncheckedIOException(
          new IOException("Cannot decompress column " + path + ": " + e.getMessage(), e));
    }
  }

  @Override
  public long getRowCount() {
    return rowGroup.getRowCount();
  }

  @Override
  public Optional<Long> getRowIndexOffset() {
    return Optional.of(rowGroup.getRowIndexOffset());
  }
}
