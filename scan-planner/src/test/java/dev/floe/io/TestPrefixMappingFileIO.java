package dev.floe.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.DelegatingInputStream;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPrefixMappingFileIO {
  private static final String VIRTUAL = "/virtual/warehouse";

  @TempDir Path dir;
  private Path real;
  private PrefixMappingFileIO io;

  @BeforeEach
  void setUp() throws IOException {
    real = Files.createDirectories(dir.resolve("real"));
    Files.createDirectories(real.resolve("db"));
    Files.writeString(real.resolve("db/a.txt"), "hello");
    io = new PrefixMappingFileIO(Map.of(VIRTUAL, real.toString()));
  }

  @Test
  void readsTheMappedFileUnderItsOriginalName() throws IOException {
    InputFile file = io.newInputFile(VIRTUAL + "/db/a.txt");
    assertThat(file.location()).isEqualTo(VIRTUAL + "/db/a.txt");
    assertThat(file.exists()).isTrue();
    assertThat(file.getLength()).isEqualTo(5);
    assertThat(read(file)).isEqualTo("hello");

    InputFile withLength = io.newInputFile(VIRTUAL + "/db/a.txt", 5);
    assertThat(withLength.location()).isEqualTo(VIRTUAL + "/db/a.txt");
    assertThat(read(withLength)).isEqualTo("hello");

    assertThat(io.newInputFile(VIRTUAL + "/db/missing.txt").exists()).isFalse();
  }

  @Test
  void streamsCannotBeUnwrapped() throws IOException {
    // Iceberg's Parquet reader unwraps a DelegatingInputStream and drops the wrapper, whose
    // finalizer then closes the Hadoop stream in the middle of a read.
    try (SeekableInputStream stream = io.newInputFile(VIRTUAL + "/db/a.txt").newStream()) {
      assertThat(stream).isNotInstanceOf(DelegatingInputStream.class);
      stream.seek(1);
      assertThat(stream.getPos()).isEqualTo(1);
      assertThat(stream.read()).isEqualTo('e');
      byte[] rest = new byte[3];
      assertThat(stream.read(rest, 0, 3)).isEqualTo(3);
      assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo("llo");
      assertThat(stream.read()).isEqualTo(-1);
    }
  }

  @Test
  void matchesWholePathSegmentsOnly() {
    assertThat(io.resolve(VIRTUAL)).isEqualTo(real.toString());
    assertThat(io.resolve(VIRTUAL + "/x")).isEqualTo(real + "/x");
    assertThat(io.resolve(VIRTUAL + "2/x")).isEqualTo(VIRTUAL + "2/x");
    assertThat(io.resolve("/elsewhere/x")).isEqualTo("/elsewhere/x");
    // A trailing slash on either side changes nothing.
    PrefixMappingFileIO slashes =
        new PrefixMappingFileIO(Map.of(VIRTUAL + "/", real.toString() + "/"));
    assertThat(slashes.resolve(VIRTUAL + "/x")).isEqualTo(real + "/x");
    // Scheme prefixes work the same way.
    PrefixMappingFileIO schemes =
        new PrefixMappingFileIO(Map.of("s3://bucket/warehouse", "file:" + real));
    assertThat(schemes.resolve("s3://bucket/warehouse/db/a.txt"))
        .isEqualTo("file:" + real + "/db/a.txt");
    assertThat(schemes.resolve("s3://bucket/warehouse-old/a.txt"))
        .isEqualTo("s3://bucket/warehouse-old/a.txt");
  }

  @Test
  void firstMatchingPrefixWins() {
    Map<String, String> prefixes = new LinkedHashMap<>();
    prefixes.put(VIRTUAL + "/db", "/first");
    prefixes.put(VIRTUAL, "/second");
    PrefixMappingFileIO ordered = new PrefixMappingFileIO(prefixes);
    assertThat(ordered.resolve(VIRTUAL + "/db/a.txt")).isEqualTo("/first/a.txt");
    assertThat(ordered.resolve(VIRTUAL + "/other/a.txt")).isEqualTo("/second/other/a.txt");

    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put(VIRTUAL, "/second");
    reversed.put(VIRTUAL + "/db", "/first");
    assertThat(new PrefixMappingFileIO(reversed).resolve(VIRTUAL + "/db/a.txt"))
        .isEqualTo("/second/db/a.txt");
  }

  @Test
  void unmappedPathsGoStraightToTheDelegate() throws IOException {
    String path = real.resolve("db/a.txt").toString();
    InputFile file = io.newInputFile(path);
    assertThat(file.location()).isEqualTo(path);
    assertThat(read(file)).isEqualTo("hello");
  }

  @Test
  void writesAndDeletesTheMappedFile() throws IOException {
    OutputFile out = io.newOutputFile(VIRTUAL + "/db/new.txt");
    assertThat(out.location()).isEqualTo(VIRTUAL + "/db/new.txt");
    try (PositionOutputStream stream = out.create()) {
      stream.write("written".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readString(real.resolve("db/new.txt"))).isEqualTo("written");
    InputFile back = out.toInputFile();
    assertThat(back.location()).isEqualTo(VIRTUAL + "/db/new.txt");
    assertThat(read(back)).isEqualTo("written");
    assertThatThrownBy(() -> io.newOutputFile(VIRTUAL + "/db/new.txt").create())
        .hasMessageContaining("new.txt");

    io.deleteFile(VIRTUAL + "/db/new.txt");
    assertThat(real.resolve("db/new.txt")).doesNotExist();
    io.deleteFile(io.newInputFile(VIRTUAL + "/db/a.txt"));
    assertThat(real.resolve("db/a.txt")).doesNotExist();
  }

  @Test
  void propertiesAndInitializeReachTheDelegate() {
    HadoopFileIO delegate = new HadoopFileIO(new Configuration());
    PrefixMappingFileIO mapped = new PrefixMappingFileIO(delegate, Map.of(VIRTUAL, "/x"));
    mapped.initialize(Map.of("k", "v"));
    assertThat(delegate.properties()).containsEntry("k", "v");
    assertThat(mapped.properties()).containsEntry("k", "v");
    assertThat(mapped.delegate()).isSameAs(delegate);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(io);
    }
    FileIO copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (FileIO) in.readObject();
    }
    InputFile file = copy.newInputFile(VIRTUAL + "/db/a.txt");
    assertThat(file.location()).isEqualTo(VIRTUAL + "/db/a.txt");
    assertThat(read(file)).isEqualTo("hello");
  }

  @Test
  void rejectsBadMappings() {
    assertThatThrownBy(() -> new PrefixMappingFileIO(Map.of("", "/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot map location prefix");
    assertThatThrownBy(() -> new PrefixMappingFileIO(Map.of("/", "/x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PrefixMappingFileIO(null, Map.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("delegate is null");
  }

  private static String read(InputFile file) throws IOException {
    try (SeekableInputStream in = file.newStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
