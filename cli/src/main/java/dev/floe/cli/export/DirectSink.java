package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes straight to something that is not a regular file — a device, a FIFO, an open file
 * descriptor such as {@code /dev/stdout} — the way a shell's {@code >} does: no temporary file, no
 * rename, nothing forced to disk. The output is opened for appending, so a descriptor that a shell
 * opened with {@code >>} keeps what it had. A write error (ENOSPC on {@code /dev/full}, a FIFO
 * whose reader went away) names the target. What was written before a failure stays written: there
 * is nothing to roll back.
 */
final class DirectSink implements ExportSink {
  private final Path target;
  private final OutputStream raw;
  private final BufferedOutputStream buffer;
  private final OutputStream stream;
  private boolean closed;

  private DirectSink(Path target, OutputStream raw) {
    this.target = target;
    this.raw = raw;
    this.buffer = new BufferedOutputStream(new NamedErrors(raw, target), 1 << 16);
    this.stream = new KeepOpenOutputStream(buffer);
  }

  /** Opens {@code target} for writing; for a FIFO this waits until a reader opens it. */
  static DirectSink open(Path target) throws IOException {
    requireNonNull(target, "target is null");
    try {
      return new DirectSink(
          target,
          Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new IOException("Cannot open " + target + " for writing: " + reason(e), e);
    }
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  public void commit() throws IOException {
    buffer.flush();
    close();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    raw.close();
  }

  private static String reason(IOException e) {
    String message = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** Rewrites write errors into "Cannot write to TARGET: reason". */
  private static final class NamedErrors extends FilterOutputStream {
    private final Path target;

    NamedErrors(OutputStream out, Path target) {
      super(out);
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw named(e);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      try {
        out.write(bytes, offset, length);
      } catch (IOException e) {
        throw named(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw named(e);
      }
    }

    private IOException named(IOException e) {
      return new IOException("Cannot write to " + target + ": " + reason(e), e);
    }
  }
}
