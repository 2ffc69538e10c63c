package dev.floe.reader;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.FutureDataInputStreamBuilder;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.impl.OpenFileParameters;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * The streams that format readers open on a file through its {@code InputFile}, so that those a
 * reader fails to close are closed with the file. orc-core leaves its file open when it fails to
 * read a damaged footer or stripe footer (the stream is opened before the failure and closed only
 * by a reader that was never returned); without this, each damaged ORC file read would keep a file
 * descriptor until garbage collection. Iceberg's Parquet reader does the same when it fails after
 * opening a file (its {@code ReadConf} opens the file, then reads dictionaries and bloom filters to
 * prune row groups, and closes nothing when that throws). Streams that are closed normally are
 * forgotten at once.
 *
 * <p>Hadoop files stay Hadoop files (their file system is wrapped), so format readers still get
 * what only Hadoop files offer. Thread safe.
 */
public final class OpenStreams implements Closeable {
  private final Set<Closeable> open = new LinkedHashSet<>();
  private volatile String lastLocation;

  /** {@code file}, with every stream opened on it remembered until closed. */
  public InputFile track(InputFile file) {
    requireNonNull(file, "file is null");
    if (file instanceof HadoopInputFile hadoop && hadoop.nativeCryptoParameters() == null) {
      return HadoopInputFile.fromPath(
          hadoop.getPath(),
          hadoop.getLength(),
          new TrackingFileSystem(hadoop.getFileSystem()),
          hadoop.getConf());
    }
    return new TrackedInputFile(file);
  }

  /**
   * {@code io}, whose input files are {@code prepare}d (for the format readers' sake) and then
   * {@linkplain #track tracked}.
   */
  public FileIO track(FileIO io, UnaryOperator<InputFile> prepare) {
    requireNonNull(io, "io is null");
    requireNonNull(prepare, "prepare is null");
    return new TrackingFileIO(io, prepare);
  }

  /**
   * The location of the last input file a {@linkplain #track(FileIO, UnaryOperator) tracked FileIO}
   * handed out, or null: where files are read one after another, the file being read when a read
   * failed.
   */
  public String lastLocation() {
    return lastLocation;
  }

  /** Closes every stream still open, attempting all of them. */
  @Override
  public void close() throws IOException {
    Closeable[] left;
    synchronized (open) {
      left = open.toArray(new Closeable[0]);
      open.clear();
    }
    IOException failure = null;
    for (Closeable stream : left) {
      try {
        stream.close();
      } catch (IOException | RuntimeException e) {
        if (failure == null) {
          failure = new IOException("Cannot close a stream left open by a format reader", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private <T extends Closeable> T opened(T stream) {
    synchronized (open) {
      open.add(stream);
    }
    return stream;
  }

  private void closed(Closeable stream) {
    synchronized (open) {
      open.remove(stream);
    }
  }

  /**
   * Tracks the streams it opens. Parquet's reader does not keep the file system of the Hadoop file
   * it is given: Iceberg hands it the file's status, and parquet-mr looks the file system up again
   * with {@code status.getPath().getFileSystem(conf)}, which would be Hadoop's shared, untracked
   * instance. So the statuses this file system returns carry paths that resolve to it.
   */
  private final class TrackingFileSystem extends FilterFileSystem {
    TrackingFileSystem(FileSystem fs) {
      super(fs);
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
      return tracked(fs.open(path, bufferSize));
    }

    @Override
    public FileStatus getFileStatus(Path path) throws IOException {
      FileStatus status = fs.getFileStatus(path);
      status.setPath(new ResolvingPath(status.getPath(), this));
      return status;
    }

    /**
     * Builds on this file system, so the stream is opened by {@link #openFileWithOptions}; {@code
     * FilterFileSystem} would build on the wrapped one, which opens it untracked.
     */
    @Override
    public FutureDataInputStreamBuilder openFile(Path path) throws IOException {
      FutureDataInputStreamBuilder builder = createDataInputStreamBuilder(this, path);
      return builder;
    }

    /** Hadoop's {@code FileSystem.openFile} does not go through {@code open}. */
    @Override
    protected CompletableFuture<FSDataInputStream> openFileWithOptions(
        Path path, OpenFileParameters parameters) throws IOException {
      return super.openFileWithOptions(path, parameters)
          .thenApply(
              stream -> {
                try {
                  return tracked(stream);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /**
   * A path whose file system is the one that listed it (while this JVM holds it; a deserialized
   * copy resolves as any path does).
   */
  private static final class ResolvingPath extends Path {
    private static final long serialVersionUID = 1L;
    private final transient FileSystem fs;

    ResolvingPath(Path path, FileSystem fs) {
      super(path.toUri());
      this.fs = fs;
    }

    @Override
    public FileSystem getFileSystem(Configuration conf) throws IOException {
      return fs == null ? super.getFileSystem(conf) : fs;
    }
  }

  private FSDataInputStream tracked(FSDataInputStream stream) throws IOException {
    TrackedStream tracked = new TrackedStream(stream);
    opened(tracked);
    return new FSDataInputStream(stream) {
      @Override
      public void close() throws IOException {
        closed(tracked);
        super.close();
      }
    };
  }

  /** Closes the Hadoop stream it stands for; a closed stream may be closed again. */
  private record TrackedStream(FSDataInputStream stream) implements Closeable {
    @Override
    public void close() throws IOException {
      stream.close();
    }
  }

  private final class TrackedInputFile implements InputFile {
    private final InputFile file;

    TrackedInputFile(InputFile file) {
      this.file = file;
    }

    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public SeekableInputStream newStream() {
      SeekableInputStream stream = file.newStream();
      return opened(new TrackedSeekableStream(stream));
    }

    @Override
    public String location() {
      return file.location();
    }

    @Override
    public boolean exists() {
      return file.exists();
    }
  }

  private final class TrackedSeekableStream extends SeekableInputStream {
    private final SeekableInputStream stream;

    TrackedSeekableStream(SeekableInputStream stream) {
      this.stream = stream;
    }

    @Override
    public long getPos() throws IOException {
      return stream.getPos();
    }

    @Override
    public void seek(long newPos) throws IOException {
      stream.seek(newPos);
    }

    @Override
    public int read() throws IOException {
      return stream.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return stream.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      return stream.skip(n);
    }

    @Override
    public int available() throws IOException {
      return stream.available();
    }

    @Override
    public void close() throws IOException {
      closed(this);
      stream.close();
    }
  }

  private final class TrackingFileIO implements FileIO {
    private final FileIO io;
    private final UnaryOperator<InputFile> prepare;

    TrackingFileIO(FileIO io, UnaryOperator<InputFile> prepare) {
      this.io = io;
      this.prepare = prepare;
    }

    @Override
    public InputFile newInputFile(String path) {
      lastLocation = path;
      return track(prepare.apply(io.newInputFile(path)));
    }

    @Override
    public InputFile newInputFile(String path, long length) {
      lastLocation = path;
      return track(prepare.apply(io.newInputFile(path, length)));
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return io.newOutputFile(path);
    }

    @Override
    public void deleteFile(String path) {
      io.deleteFile(path);
    }

    @Override
    public Map<String, String> properties() {
      return io.properties();
    }
  }
}
