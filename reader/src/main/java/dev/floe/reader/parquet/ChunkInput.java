package dev.floe.reader.parquet;

import java.io.IOException;
import java.io.InputStream;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The bytes of one column chunk, read from the file through a buffer of bounded size: page headers
 * are parsed from the buffer, page bodies are sliced out of it, or (a page larger than the buffer)
 * read into an array of exactly their size. A chunk read whole beforehand (a small chunk, in one
 * coalesced read with its neighbours) is served from that array and never touches the file.
 *
 * <p>Several chunks of a row group share one stream of the file, each seeking to where it stopped.
 * Not thread safe: a file is decoded by one thread.
 */
final class ChunkInput extends InputStream {
  private final SeekableInputStream file;
  private final long chunkStart;
  private final long chunkEnd;
  private final int capacity;

  private byte[] buffer;
  private int position;
  private int limit;

  /** File offset of the byte after the buffered ones. */
  private long next;

  private ChunkInput(
      SeekableInputStream file, long chunkStart, long chunkEnd, int capacity, byte[] buffer) {
    this.file = file;
    this.chunkStart = chunkStart;
    this.chunkEnd = chunkEnd;
    this.capacity = capacity;
    this.buffer = buffer;
    this.next = chunkStart;
  }

  /** A chunk streamed from {@code file} through a buffer of at most {@code capacity} bytes. */
  static ChunkInput streamed(SeekableInputStream file, long start, long end, int capacity) {
    return new ChunkInput(
        file, start, end, (int) Math.max(1, Math.min(capacity, end - start)), null);
  }

  /** A chunk already in memory: {@code length} bytes of {@code bytes} from {@code offset}. */
  static ChunkInput buffered(byte[] bytes, int offset, long start, int length) {
    ChunkInput input = new ChunkInput(null, start, start + length, length, bytes);
    input.position = offset;
    input.limit = offset + length;
    input.next = start + length;
    return input;
  }

  /** File offset of the next byte to be read. */
  long offset() {
    return next - (limit - position);
  }

  /** Bytes of the chunk not read yet. */
  long remaining() {
    return chunkEnd - offset();
  }

  @Override
  public int read() throws IOException {
    if (position == limit && !fill(1)) {
      return -1;
    }
    return buffer[position++] & 0xFF;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (position == limit && !fill(1)) {
      return -1;
    }
    int count = Math.min(length, limit - position);
    System.arraycopy(buffer, position, target, offset, count);
    position += count;
    return count;
  }

  @Override
  public long skip(long bytes) throws IOException {
    long skipped = Math.min(bytes, remaining());
    long buffered = limit - position;
    if (skipped <= buffered) {
      position += (int) skipped;
    } else {
      position = limit;
      next += skipped - buffered;
    }
    return skipped;
  }

  /**
   * The next {@code length} bytes, as a view into the buffer (valid until the next read from this
   * chunk) or in an array of their own when they do not fit the buffer.
   *
   * @throws IOException if the chunk ends first
   */
  Slice take(int length) throws IOException {
    if (length < 0 || length > remaining()) {
      throw new IOException(
          String.format(
              "Cannot read %d bytes at offset %d: the column chunk [%d, %d) has %d left",
              length, offset(), chunkStart, chunkEnd, remaining()));
    }
    if (limit - position >= length || (length <= capacity && fill(length))) {
      Slice slice = new Slice(buffer, position, length);
      position += length;
      return slice;
    }
    // larger than the buffer: in one array of its own, sized to what the chunk holds
    byte[] bytes = new byte[length];
    int buffered = limit - position;
    System.arraycopy(buffer, position, bytes, 0, buffered);
    position = limit;
    file.seek(next);
    file.readFully(bytes, buffered, length - buffered);
    next += length - buffered;
    return new Slice(bytes, 0, length);
  }

  /** Makes at least {@code wanted} bytes (at most the capacity) available; false at the end. */
  private boolean fill(int wanted) throws IOException {
    int buffered = limit - position;
    if (buffered >= wanted) {
      return true;
    }
    if (file == null || next >= chunkEnd) {
      return false;
    }
    if (buffer == null) {
      buffer = new byte[capacity];
    } else if (buffered > 0) {
      System.arraycopy(buffer, position, buffer, 0, buffered);
    }
    position = 0;
    limit = buffered;
    int length = (int) Math.min(capacity - buffered, chunkEnd - next);
    file.seek(next);
    file.readFully(buffer, limit, length);
    limit += length;
    next += length;
    return limit - position >= wanted;
  }

  /** Bytes of a page: {@code length} bytes of {@code bytes} from {@code offset}. */
  record Slice(byte[] bytes, int offset, int length) {}
}
