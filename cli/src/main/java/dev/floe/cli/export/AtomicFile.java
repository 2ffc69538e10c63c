package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file that appears under its final name only when complete. Bytes go to a hidden temporary file
 * beside the target ({@code .name.<random>.floe-tmp}, same directory so the rename stays on one
 * file system); {@link #commit()} forces them to disk and renames atomically. Closing without a
 * commit — an exception, or the JVM shutting down on Ctrl-C or SIGTERM — deletes the temporary
 * file, so a failed or interrupted export leaves nothing under the final name (and an existing file
 * there untouched).
 */
public final class AtomicFile implements Closeable {
  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final BufferedOutputStream buffer;
  private final OutputStream stream;
  private final boolean overwrite;
  private final Thread cleanup;
  private boolean committed;
  private boolean closed;

  private AtomicFile(Path target, Path temporary, FileChannel channel, boolean overwrite) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.overwrite = overwrite;
    this.buffer = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    this.stream = new KeepOpenOutputStream(buffer);
    this.cleanup = new Thread(this::abandon, "floe-abandon " + target.getFileName());
  }

  /**
   * Creates the temporary file for {@code target}.
   *
   * @throws FileAlreadyExistsException if {@code target} exists and {@code overwrite} is off
   */
  public static AtomicFile create(Path target, boolean overwrite) throws IOException {
    requireNonNull(target, "target is null");
    Path absolute = target.toAbsolutePath().normalize();
    if (!overwrite && Files.exists(absolute)) {
      throw new FileAlreadyExistsException(absolute.toString());
    }
    Path temporary =
        absolute.resolveSibling(
            String.format(
                ".%s.%08x.floe-tmp",
                absolute.getFileName(), ThreadLocalRandom.current().nextInt()));
    FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    AtomicFile file = new AtomicFile(absolute, temporary, channel, overwrite);
    Runtime.getRuntime().addShutdownHook(file.cleanup);
    return file;
  }

  /**
   * Where the bytes go until {@link #commit()}. Closing it only flushes: writers close their output
   * when they finish, and the file must stay open to be forced to disk and renamed.
   */
  public OutputStream stream() {
    return stream;
  }

  public Path target() {
    return target;
  }

  /** The temporary file, for tests and messages. */
  public Path temporary() {
    return temporary;
  }

  /** Flushes, forces the bytes to disk and renames the temporary file to the target. */
  public synchronized void commit() throws IOException {
    if (closed) {
      throw new IOException("Cannot commit " + target + ": abandoned");
    }
    buffer.flush();
    channel.force(true);
    channel.close();
    if (!overwrite && Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    try {
      Files.move(
          temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    closed = true;
    removeHook();
  }

  /** Deletes the temporary file unless committed. Idempotent. */
  @Override
  public void close() throws IOException {
    abandon();
    removeHook();
  }

  private synchronized void abandon() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // deleting is what matters
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      // nothing else to do; the name is hidden and marked as temporary
    }
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs and finds the file closed
    }
  }
}
