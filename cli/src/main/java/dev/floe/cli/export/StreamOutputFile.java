package dev.floe.cli.export;

import java.io.IOException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * An Iceberg {@link OutputFile} over an already open stream — a temporary file or standard output —
 * so that Iceberg's Parquet writer, which only appends and tracks its own position, can write to a
 * pipe.
 */
final class StreamOutputFile implements OutputFile {
  private final String location;
  private final CountingOutputStream out;
  private boolean created;

  StreamOutputFile(String location, CountingOutputStream out) {
    this.location = location;
    this.out = out;
  }

  @Override
  public PositionOutputStream create() {
    if (created) {
      throw new IllegalStateException("Cannot create " + location + " twice");
    }
    created = true;
    long start = out.count();
    return new PositionOutputStream() {
      @Override
      public long getPos() {
        return out.count() - start;
      }

      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite() {
    return create();
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public InputFile toInputFile() {
    throw new UnsupportedOperationException("Cannot read back " + location + ": write-only");
  }
}
