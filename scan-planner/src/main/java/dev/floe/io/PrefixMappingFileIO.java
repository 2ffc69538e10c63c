package dev.floe.io;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.RelocatedInputFile;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * A {@link FileIO} for tables whose files no longer live where their metadata says: a table copied
 * off its object store, a warehouse mounted under another path. Every location is rewritten by the
 * first matching FROM → TO prefix before it reaches the delegate.
 *
 * <p>The files handed out keep their <em>original</em> {@link InputFile#location()}: that is the
 * name the table's metadata uses for them, and position delete files identify the rows they delete
 * by that name, so matching deletes to data files must keep seeing it. Only the bytes come from the
 * rewritten location.
 *
 * <p>A FROM prefix matches whole path segments: {@code /data/t} matches {@code /data/t} and {@code
 * /data/t/x.parquet} but not {@code /data/t2/x.parquet}. A trailing slash on FROM or TO is ignored.
 */
public final class PrefixMappingFileIO implements FileIO {
  private static final long serialVersionUID = 1L;

  private final FileIO delegate;
  private final List<Mapping> mappings;

  /**
   * Maps with {@code prefixes} (tried in iteration order, so pass a {@link LinkedHashMap} when more
   * than one could match) and reads through Iceberg's {@link HadoopFileIO} with a default Hadoop
   * configuration.
   */
  public PrefixMappingFileIO(Map<String, String> prefixes) {
    this(new HadoopFileIO(new Configuration()), prefixes);
  }

  public PrefixMappingFileIO(FileIO delegate, Map<String, String> prefixes) {
    this.delegate = requireNonNull(delegate, "delegate is null");
    requireNonNull(prefixes, "prefixes is null");
    List<Mapping> list = new ArrayList<>(prefixes.size());
    prefixes.forEach((from, to) -> list.add(new Mapping(from, to)));
    this.mappings = Collections.unmodifiableList(list);
  }

  public FileIO delegate() {
    return delegate;
  }

  /** The location {@code location} is read from: the first matching prefix rewritten, or itself. */
  public String resolve(String location) {
    requireNonNull(location, "location is null");
    for (Mapping mapping : mappings) {
      String mapped = mapping.apply(location);
      if (mapped != null) {
        return mapped;
      }
    }
    return location;
  }

  @Override
  public InputFile newInputFile(String path) {
    String mapped = resolve(path);
    InputFile file = delegate.newInputFile(mapped);
    return mapped.equals(path) ? file : new MappedInputFile(path, file);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    String mapped = resolve(path);
    InputFile file = delegate.newInputFile(mapped, length);
    return mapped.equals(path) ? file : new MappedInputFile(path, file);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    String mapped = resolve(path);
    OutputFile file = delegate.newOutputFile(mapped);
    return mapped.equals(path) ? file : new MappedOutputFile(path, file);
  }

  @Override
  public void deleteFile(String path) {
    delegate.deleteFile(resolve(path));
  }

  @Override
  public Map<String, String> properties() {
    return delegate.properties();
  }

  @Override
  public void initialize(Map<String, String> properties) {
    delegate.initialize(properties);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "PrefixMappingFileIO" + mappings + " over " + delegate.getClass().getSimpleName();
  }

  private static final class Mapping implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String from;
    private final String to;

    Mapping(String from, String to) {
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
      if (from.isEmpty() || from.equals("/")) {
        throw new IllegalArgumentException(
            "Cannot map location prefix: FROM must name a directory, not '" + from + "'");
      }
      this.from = stripTrailingSlash(from);
      this.to = stripTrailingSlash(to);
    }

    /** The rewritten location, or null if {@code location} is not under {@code from}. */
    String apply(String location) {
      if (!location.startsWith(from)) {
        return null;
      }
      if (location.length() == from.length()) {
        return to;
      }
      return location.charAt(from.length()) == '/' ? to + location.substring(from.length()) : null;
    }

    private static String stripTrailingSlash(String prefix) {
      return prefix.endsWith("/") && prefix.length() > 1
          ? prefix.substring(0, prefix.length() - 1)
          : prefix;
    }

    @Override
    public String toString() {
      return from + " -> " + to;
    }
  }

  /** Reads the rewritten file under its original name. */
  private static final class MappedInputFile implements RelocatedInputFile {
    private final String location;
    private final InputFile file;

    MappedInputFile(String location, InputFile file) {
      this.location = location;
      this.file = file;
    }

    @Override
    public InputFile target() {
      return file;
    }

    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public SeekableInputStream newStream() {
      return new MappedInputStream(file.newStream());
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public boolean exists() {
      return file.exists();
    }

    @Override
    public String toString() {
      return location + " (read from " + file.location() + ")";
    }
  }

  /**
   * Hides the delegate's stream from unwrapping. Iceberg's Parquet reader takes the Hadoop stream
   * out of a {@code DelegatingInputStream} and drops the wrapper, whose finalizer then closes the
   * Hadoop stream mid-read. It only does so for files that are not a {@code HadoopInputFile}, so
   * this wrapper must keep the delegate's stream reachable for as long as it is read.
   */
  private static final class MappedInputStream extends SeekableInputStream {
    private final SeekableInputStream stream;

    MappedInputStream(SeekableInputStream stream) {
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
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return stream.read(buffer, offset, length);
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
      stream.close();
    }
  }

  /** Writes the rewritten file; metadata written through it records the original name. */
  private static final class MappedOutputFile implements OutputFile {
    private final String location;
    private final OutputFile file;

    MappedOutputFile(String location, OutputFile file) {
      this.location = location;
      this.file = file;
    }

    @Override
    public PositionOutputStream create() {
      return file.create();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return file.createOrOverwrite();
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public InputFile toInputFile() {
      return new MappedInputFile(location, file.toInputFile());
    }

    @Override
    public String toString() {
      return location + " (written to " + file.location() + ")";
    }
  }
}
