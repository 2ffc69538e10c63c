package dev.floe.reader;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.ReflectionUtils;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * The streams that format readers open on a file, so that those a reader fails to close are closed
 * with the file. orc-core leaves its file open when it fails to read a damaged footer or stripe
 * footer (the stream is opened before the failure and closed only by a reader that was never
 * returned); without this, each damaged ORC file read would keep a file descriptor until garbage
 * collection. Streams that are closed normally are forgotten at once.
 *
 * <p>Hadoop files stay Hadoop files (their file system is wrapped), so format readers still get
 * what only Hadoop files offer. Thread safe.
 */
public final class OpenStreams implements Closeable {
  private static final String ID = "floe.open-streams.id";
  private static final String WRAPPED_IMPL = "floe.open-streams.wrapped-impl";
  private static final AtomicLong IDS = new AtomicLong();

  /** The instances that local files' configurations name, until closed. */
  private static final Map<String, OpenStreams> REGISTERED = new ConcurrentHashMap<>();

  private final String id = Long.toString(IDS.incrementAndGet());
  private final Set<Closeable> open = new LinkedHashSet<>();
  private volatile String lastFile;

  /** {@code file}, with every stream opened on it remembered until closed. */
  public InputFile track(InputFile file) {
    requireNonNull(file, "file is null");
    if (file instanceof HadoopInputFile hadoop && hadoop.nativeCryptoParameters() == null) {
      return HadoopInputFile.fromPath(
          hadoop.getPath(),
          hadoop.getLength(),
          new TrackingFileSystem(hadoop.getFileSystem()),
          trackingLocalFiles(hadoop.getConf(), hadoop.getFileSystem()));
    }
    return new TrackedInputFile(file);
  }

  /**
   * For a local file, the configuration with which a reader that opens the file by its path (as
   * parquet-mr does, from the configuration rather than the file's file system) still goes through
   * a tracking file system: a {@link TrackedLocalFileSystem}, made afresh for each open (cheap for
   * local files), that finds this object by an id in the configuration. Other file systems are
   * costly to make, so their configuration is left alone.
   */
  private Configuration trackingLocalFiles(Configuration conf, FileSystem fs) {
    if (!"file".equals(fs.getUri().getScheme()) || fs instanceof TrackedLocalFileSystem) {
      return conf;
    }
    Configuration tracking = new Configuration(conf);
    tracking.set("fs.file.impl", TrackedLocalFileSystem.class.getName());
    tracking.setBoolean("fs.file.impl.disable.cache", true);
    tracking.set(WRAPPED_IMPL, fs.getClass().getName());
    tracking.set(ID, id);
    REGISTERED.put(id, this);
    return tracking;
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
   * The location of the file last asked of a {@linkplain #track(FileIO) tracked FileIO}, or null.
   */
  public String lastFile() {
    return lastFile;
  }

  /** Closes every stream still open, attempting all of them. */
  @Override
  public void close() throws IOException {
    REGISTERED.remove(id);
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

  private final class TrackingFileSystem extends FilterFileSystem {
    TrackingFileSystem(FileSystem fs) {
      super(fs);
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
      return tracked(fs.open(path, bufferSize));
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

  /**
   * The local file system named by a {@linkplain #trackingLocalFiles tracking configuration}: the
   * file system it stood in for, reporting the streams it opens to the {@link OpenStreams} the
   * configuration names. Hadoop makes it by reflection; not for direct use.
   */
  public static final class TrackedLocalFileSystem extends FilterFileSystem {
    private OpenStreams owner;

    public TrackedLocalFileSystem() {}

    @Override
    public void initialize(URI name, Configuration conf) throws IOException {
      Class<?> wrapped = conf.getClass(WRAPPED_IMPL, RawLocalFileSystem.class);
      this.fs = (FileSystem) ReflectionUtils.newInstance(wrapped, conf);
      fs.initialize(name, conf);
      super.initialize(name, conf);
      this.owner = REGISTERED.get(conf.get(ID, ""));
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
      FSDataInputStream stream = fs.open(path, bufferSize);
      OpenStreams streams = owner;
      return streams == null ? stream : streams.tracked(stream);
    }
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
      lastFile = path;
      return track(prepare.apply(io.newInputFile(path)));
    }

    @Override
    public InputFile newInputFile(String path, long length) {
      lastFile = path;
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
