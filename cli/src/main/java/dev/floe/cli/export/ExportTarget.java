package dev.floe.cli.export;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * What an export's output path is, and so how it is written:
 *
 * <ul>
 *   <li>nothing yet, or a regular file: an {@link AtomicFile} (temporary file beside it, renamed
 *       over it when complete); an existing file is replaced only when asked to;
 *   <li>a symbolic link: followed to the file it names, which is then written as above — the
 *       temporary file goes beside that file and is renamed over it, so the link stays a link;
 *   <li>a device, a FIFO, a socket, or an open file descriptor ({@code /dev/stdout}, {@code
 *       /dev/fd/N}, {@code /proc/PID/fd/N}): written straight ({@link DirectSink}), as a shell's
 *       redirection would. Renaming a file over {@code /dev/full} or a FIFO would replace the
 *       device node or the pipe with a regular file. Nothing is replaced, so this needs no
 *       permission to overwrite;
 *   <li>a directory: not a target.
 * </ul>
 */
public final class ExportTarget {
  /** How many symbolic links are followed before giving up, as Linux's ELOOP limit. */
  private static final int MAX_LINKS = 40;

  private static final Pattern DESCRIPTOR = Pattern.compile("/(proc/[^/]+|dev)/fd/\\d+");

  /** What the path names, after following symbolic links. */
  public enum Kind {
    /** Nothing exists there yet. */
    NEW_FILE,
    /** A regular file. */
    FILE,
    /** A device, FIFO, socket or open file descriptor: written straight. */
    STREAM,
    /** A directory. */
    DIRECTORY
  }

  private final Path path;
  private final Path file;
  private final Kind kind;

  private ExportTarget(Path path, Path file, Kind kind) {
    this.path = path;
    this.file = file;
    this.kind = kind;
  }

  /**
   * Looks at {@code path}, following symbolic links.
   *
   * @throws IOException if it cannot be looked at (a link loop, no permission)
   */
  public static ExportTarget of(Path path) throws IOException {
    requireNonNull(path, "path is null");
    Path current = path.toAbsolutePath().normalize();
    for (int links = 0; ; links++) {
      if (DESCRIPTOR.matcher(current.normalize().toString()).matches()) {
        // /proc/self/fd/1 links to "pipe:[123]" or to the file a shell opened: write to the
        // descriptor itself, never beside what it names
        return new ExportTarget(path, current, Kind.STREAM);
      }
      if (!Files.isSymbolicLink(current)) {
        break;
      }
      if (links == MAX_LINKS) {
        throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
      }
      current = current.resolveSibling(Files.readSymbolicLink(current));
    }
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return new ExportTarget(path, current, Kind.NEW_FILE);
    }
    Kind kind =
        attributes.isDirectory()
            ? Kind.DIRECTORY
            : attributes.isRegularFile() ? Kind.FILE : Kind.STREAM;
    return new ExportTarget(path, current, kind);
  }

  /** The path as given. */
  public Path path() {
    return path;
  }

  /** The absolute path after following symbolic links: the file that is written or replaced. */
  public Path file() {
    return file;
  }

  public Kind kind() {
    return kind;
  }

  /** Whether the path was a symbolic link (to {@link #file()}). */
  public boolean isLink() {
    return !file.equals(path.toAbsolutePath().normalize());
  }

  /**
   * Opens the target for writing.
   *
   * @param overwrite whether an existing regular file may be replaced
   * @param interrupted told, from the shutdown hook, that Ctrl-C or SIGTERM abandoned a file export
   *     (see {@link AtomicFile#create(Path, boolean, Runnable)})
   * @throws java.nio.file.FileAlreadyExistsException if a regular file exists and {@code overwrite}
   *     is off
   * @throws IllegalStateException for a directory
   */
  public ExportSink open(boolean overwrite, Runnable interrupted) throws IOException {
    switch (kind) {
      case STREAM:
        return DirectSink.open(path);
      case DIRECTORY:
        throw new IllegalStateException("Cannot export to " + path + ": it is a directory");
      default:
        return AtomicFile.create(file, overwrite, interrupted);
    }
  }
}
