package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
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
 *
 * <p>Only for regular files: renaming over a device or a FIFO would replace it with a regular file,
 * and renaming over a symbolic link would replace the link ({@link ExportTarget} sorts that out).
 */
public final class AtomicFile implements ExportSink {
  private final Path target;
  private final Path temporary;
  private final boolean overwrite;
  private final Runnable interrupted;
  private final Thread cleanup;
  private FileChannel channel;
  private BufferedOutputStream buffer;
  private OutputStream stream;
  private boolean closed;
  private boolean abandoned;

  private AtomicFile(Path target, Path temporary, boolean overwrite, Runnable interrupted) {
    this.target = target;
    this.temporary = temporary;
    this.overwrite = overwrite;
    this.interrupted = interrupted;
    this.cleanup = new Thread(this::shutdown, "floe-abandon " + target.getFileName());
  }

  /**
   * Creates the temporary file for {@code target}.
   *
   * @throws FileAlreadyExistsException if {@code target} exists and {@code overwrite} is off
   */
  public static AtomicFile create(Path target, boolean overwrite) throws IOException {
    return create(target, overwrite, () -> {});
  }

  /**
   * Creates the temporary file for {@code target}; {@code interrupted} runs on the shutdown hook's
   * thread after the hook deleted the temporary file of an export the JVM's shutdown cut short
   * (Ctrl-C, SIGTERM), and is the place to tell the user. The thread that was writing then fails on
   * the closed file; {@link #abandoned()} tells that failure apart from a real one.
   *
   * @throws FileAlreadyExistsException if {@code target} exists and {@code overwrite} is off
   */
  public static AtomicFile create(Path target, boolean overwrite, Runnable interrupted)
      throws IOException {
    requireNonNull(target, "target is null");
    requireNonNull(interrupted, "interrupted is null");
    Path absolute = target.toAbsolutePath().normalize();
    if (!overwrite && Files.exists(absolute)) {
      throw new FileAlreadyExistsException(absolute.toString());
    }
    Path temporary =
        absolute.resolveSibling(
            String.format(
                ".%s.%08x.floe-tmp",
                absolute.getFileName(), ThreadLocalRandom.current().nextInt()));
    AtomicFile file = new AtomicFile(absolute, temporary, overwrite, interrupted);
    // The hook goes in before the file exists: a signal between the two must not leave it behind.
    // It throws IllegalStateException if the JVM is already shutting down; then nothing is created.
    Runtime.getRuntime().addShutdownHook(file.cleanup);
    try {
      file.open();
    } catch (IOException | RuntimeException e) {
      file.removeHook();
      throw e;
    }
    return file;
  }

  /** Creates the temporary file, unless the shutdown hook has already abandoned it. */
  private synchronized void open() throws IOException {
    if (closed) {
      throw new IOException("Cannot create " + temporary + ": shutting down");
    }
    channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    buffer = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    stream = new KeepOpenOutputStream(buffer);
  }

  /**
   * Where the bytes go until {@link #commit()}. Closing it only flushes: writers close their output
   * when they finish, and the file must stay open to be forced to disk and renamed.
   */
  @Override
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
  @Override
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
    closed = true;
    removeHook();
  }

  /** Deletes the temporary file unless committed. Idempotent. */
  @Override
  public void close() throws IOException {
    abandon();
    removeHook();
  }

  /**
   * Whether the shutdown hook deleted the temporary file before it was committed: the JVM is
   * exiting on a signal, and a write that failed did so because the hook closed the file.
   */
  public synchronized boolean abandoned() {
    return abandoned;
  }

  private void shutdown() {
    boolean cutShort;
    synchronized (this) {
      cutShort = !closed;
      abandoned = cutShort;
      abandon();
    }
    if (cutShort) {
      interrupted.run();
    }
  }

  private synchronized void abandon() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (channel != null) {
        channel.close();
      }
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
