package dev.floe.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Resident-set figures of a Linux process from {@code /proc/<pid>/status}: {@code VmRSS} (resident
 * now) and {@code VmHWM} (the "high water mark", the peak resident set since the process started).
 * Both count everything the kernel maps in: Java heap, direct buffers, metaspace, code cache,
 * thread stacks, malloc arenas of native libraries, and the touched pages of mapped jars and
 * libraries.
 */
public record ProcStatus(long rssBytes, long hwmBytes) {
  private static final Path SELF = Path.of("/proc/self/status");

  /** This process's figures. */
  public static ProcStatus self() {
    return read(SELF).orElseThrow(() -> new IllegalStateException("Cannot read " + SELF));
  }

  /** The figures of process {@code pid}, or empty once it has exited (or is a zombie). */
  public static Optional<ProcStatus> of(long pid) {
    return read(Path.of("/proc", Long.toString(pid), "status"));
  }

  static Optional<ProcStatus> read(Path status) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // A process that exits while we read makes the kernel fail the read with ESRCH.
      if (!Files.exists(status)) {
        return Optional.empty();
      }
      throw new UncheckedIOException("Cannot read " + status, e);
    }
    return parse(lines);
  }

  /** Parses the lines of a status file; empty if it has no memory figures (a zombie). */
  static Optional<ProcStatus> parse(List<String> lines) {
    OptionalLong rss = field(lines, "VmRSS:");
    OptionalLong hwm = field(lines, "VmHWM:");
    if (rss.isEmpty() || hwm.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ProcStatus(rss.getAsLong(), hwm.getAsLong()));
  }

  private static OptionalLong field(List<String> lines, String name) {
    for (String line : lines) {
      if (line.startsWith(name)) {
        // "VmHWM:	  123456 kB"
        String[] parts = line.substring(name.length()).trim().split("\\s+");
        if (parts.length != 2 || !parts[1].equals("kB")) {
          throw new IllegalArgumentException("Invalid status line: " + line + ", expected <n> kB");
        }
        return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
      }
    }
    return OptionalLong.empty();
  }
}
