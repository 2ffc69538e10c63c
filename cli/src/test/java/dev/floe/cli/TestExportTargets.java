package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Export targets that are not regular files: a device or a FIFO is written straight (a rename would
 * replace it with a regular file), a symbolic link is followed and the file it names replaced.
 *
 * <p>The device tests write to device nodes made in the test directory ({@code mknod}, as root) so
 * that a regression cannot replace the machine's own {@code /dev/full}; without root they use
 * {@code /dev/full} itself, which an ordinary user cannot replace.
 */
class TestExportTargets {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  @TempDir Path dir;

  @ParameterizedTest(name = "--overwrite {0}")
  @ValueSource(booleans = {false, true})
  void aFifoGetsTheRows(boolean overwrite) throws Exception {
    Path fifo = dir.resolve("rows.fifo");
    assumeTrue(exec("mkfifo", fifo.toString()) == 0, "mkfifo");
    CompletableFuture<byte[]> reader = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                reader.complete(Files.readAllBytes(fifo));
              } catch (IOException | RuntimeException e) {
                reader.completeExceptionally(e);
              }
            },
            "fifo-reader");
    thread.setDaemon(true); // if the export replaced the FIFO, the reader never wakes up
    thread.start();
    List<String> options = new ArrayList<>(List.of("--format", "jsonl", "-q"));
    if (overwrite) {
      options.add("--overwrite");
    }
    Cli.Result result = export(fifo, options.toArray(new String[0]));
    assertThat(result.exit()).as(result.toString()).isZero();
    byte[] received = reader.get(60, TimeUnit.SECONDS);
    Cli.Result direct = export(Path.of("-"), "--format", "jsonl", "-q");
    assertThat(sortedLines(received)).isEqualTo(sortedLines(direct.stdout())).hasSize(1_500);
    assertThat(mode(fifo)).as("still a FIFO").isEqualTo(S_IFIFO);
    assertThat(names()).containsExactly("rows.fifo");
  }

  @Test
  void aSymbolicLinkIsFollowedAndKept() throws IOException {
    Path real = Files.createDirectories(dir.resolve("data")).resolve("real.csv");
    Files.writeString(real, "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("data/real.csv"));
    Cli.Result refused = export(link, "-q");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr()).contains("it links to " + real).contains("pass --overwrite");
    Cli.Result replaced = export(link, "-q", "--overwrite", "--format", "jsonl");
    assertThat(replaced.exit()).as(replaced.toString()).isZero();
    assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("data/real.csv"));
    assertThat(Files.readString(real)).startsWith("{\"id\":").hasLineCount(1_500);
    try (Stream<Path> files = Files.list(real.getParent())) {
      assertThat(files).as("no temporary file left").containsExactly(real);
    }
    // a link to nothing yet: the file it names is created
    Files.delete(real);
    Cli.Result created = export(link, "-q", "--limit", "3", "--format", "jsonl");
    assertThat(created.exit()).as(created.toString()).isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).hasLineCount(3);
  }

  @ParameterizedTest(name = "--overwrite {0}")
  @ValueSource(booleans = {false, true})
  void aFullDeviceIsAOneLineFailureAndStaysADevice(boolean overwrite) throws IOException {
    Path full = device("full", 7);
    Cli.Result result =
        overwrite ? export(full, "--limit", "5", "--overwrite") : export(full, "--limit", "5");
    assertThat(result.exit()).as(result.toString()).isEqualTo(1);
    assertThat(result.stderr().lines()).as(result.stderr()).hasSize(1);
    assertThat(result.stderr())
        .isEqualTo("floe export: Cannot write to " + full + ": No space left on device\n");
    assertThat(mode(full)).as("still a character device").isEqualTo(S_IFCHR);
  }

  @Test
  void aDeviceNeedsNoOverwrite() throws IOException {
    Path nul = device("null", 3);
    Cli.Result result = export(nul, "--limit", "5");
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.stderr()).startsWith("Exported 5 rows").contains(" to " + nul + ":");
    assertThat(mode(nul)).isEqualTo(S_IFCHR);
  }

  /** A memory device node (major 1) in the test directory, or the system's own without root. */
  private Path device(String name, int minor) throws IOException {
    Path node = dir.resolve(name);
    if (exec("mknod", node.toString(), "c", "1", Integer.toString(minor)) == 0) {
      return node;
    }
    Path system = Path.of("/dev", name);
    assumeTrue(Files.exists(system), system + " exists");
    assumeTrue(!Files.isWritable(system.getParent()), "cannot replace " + system + " anyway");
    return system;
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
  }

  private static int exec(String... command) throws IOException {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor();
    } catch (IOException e) {
      return -1; // no such program
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Exports the all-types table as CSV, or in the format the options name. */
  private static Cli.Result export(Path target, String... options) {
    List<String> all = new ArrayList<>(List.of("export", TestWarehouse.ALL_TYPES));
    all.addAll(Arrays.asList(TestWarehouse.catalogArgs()));
    if (!Arrays.asList(options).contains("--format")) {
      all.addAll(List.of("--format", "csv"));
    }
    all.addAll(Arrays.asList(options));
    all.add(target.toString());
    return Cli.run(all.toArray(new String[0]));
  }

  private static List<String> sortedLines(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).lines().sorted().toList();
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
