package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes through; {@code close()} only flushes. Format writers close their output when they
 * finish, but standard output and an {@link AtomicFile} must stay open after that.
 */
public final class KeepOpenOutputStream extends OutputStream {
  private final OutputStream out;

  public KeepOpenOutputStream(OutputStream out) {
    this.out = requireNonNull(out, "out is null");
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
    out.flush();
  }
}
