package dev.floe.cli.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestAtomicFile {
  @TempDir Path dir;

  @Test
  void appearsOnlyWhenCommitted() throws IOException {
    Path target = dir.resolve("out.txt");
    try (AtomicFile file = AtomicFile.create(target, false)) {
      assertThat(file.temporary().getParent()).isEqualTo(target.getParent());
      try (OutputStream out = file.stream()) {
        out.write("hello".getBytes(StandardCharsets.UTF_8));
      } // a writer closing its output leaves the file open for the commit
      assertThat(target).doesNotExist();
      assertThat(names()).containsExactly(file.temporary().getFileName().toString());
      file.commit();
    }
    assertThat(Files.readString(target)).isEqualTo("hello");
    assertThat(names()).containsExactly("out.txt");
  }

  @Test
  void closingWithoutCommitLeavesNothing() throws IOException {
    Path target = dir.resolve("out.txt");
    try (AtomicFile file = AtomicFile.create(target, false)) {
      file.stream().write(new byte[100_000]);
    }
    assertThat(names()).isEmpty();
  }

  @Test
  void replacesOnlyWhenAllowed() throws IOException {
    Path target = dir.resolve("out.txt");
    Files.writeString(target, "old");
    assertThatThrownBy(() -> AtomicFile.create(target, false))
        .isInstanceOf(FileAlreadyExistsException.class);
    try (AtomicFile file = AtomicFile.create(target, true)) {
      file.stream().write('n');
      assertThat(Files.readString(target)).isEqualTo("old");
      file.commit();
    }
    assertThat(Files.readString(target)).isEqualTo("n");
    assertThat(names()).containsExactly("out.txt");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
