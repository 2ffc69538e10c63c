package dev.floe.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a stopped scan may have left behind in this JVM: live reader threads and open file
 * descriptors, read from {@code /proc/self/fd} (Linux).
 */
final class Leaks {
  private static final Path FDS = Path.of("/proc/self/fd");

  private Leaks() {}

  /** Names of live {@code floe-read-*} worker threads. */
  static List<String> readerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.isAlive() && thread.getName().startsWith("floe-read-"))
        .map(Thread::getName)
        .sorted()
        .toList();
  }

  /** Whether this system shows a process's file descriptors in {@code /proc/self/fd}. */
  static boolean canCountFiles() {
    return Files.isDirectory(FDS);
  }

  /** Number of open file descriptors of this process. */
  static int openFileCount() {
    try (Stream<Path> fds = Files.list(FDS)) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files under {@code dir} that this process holds open. */
  static List<String> openFilesUnder(Path dir) {
    return new ArrayList<>(openFilesUnder(dir, Map.of()).values());
  }

  /**
   * The files under {@code dir} that this process holds open, by descriptor, leaving out the
   * descriptors of {@code before} that still name the same file (left open by something earlier,
   * e.g. a stream that only garbage collection will close).
   */
  static Map<String, String> openFilesUnder(Path dir, Map<String, String> before) {
    if (!canCountFiles()) {
      return Map.of();
    }
    String prefix = dir.toAbsolutePath().normalize().toString();
    Map<String, String> open = new TreeMap<>();
    try (Stream<Path> fds = Files.list(FDS)) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          String name = fd.getFileName().toString();
          if (target.startsWith(prefix) && !target.equals(before.get(name))) {
            open.put(name, target);
          }
        } catch (IOException e) {
          // closed between listing and reading: not open any more
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return open;
  }

  /**
   * Waits up to {@code millis} for no reader thread and no open file under {@code dir}, and returns
   * what is still there (empty when nothing is).
   */
  static List<String> awaitNoneLeft(Path dir, long millis) throws InterruptedException {
    return awaitNoneLeft(dir, Map.of(), millis);
  }

  /** As {@link #awaitNoneLeft(Path, long)}, not counting the open files of {@code before}. */
  static List<String> awaitNoneLeft(Path dir, Map<String, String> before, long millis)
      throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (true) {
      List<String> left = new ArrayList<>(readerThreads());
      left.addAll(openFilesUnder(dir, before).values());
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Thread.sleep(5);
    }
  }
}
