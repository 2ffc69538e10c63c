package dev.floe.cli;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command's output goes: the raw standard output (exports write bytes there), a text view
 * of it, and standard error with whether it is a terminal (progress is drawn only there).
 */
final class CommandIo {
  private final OutputStream stdout;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean errIsTerminal;
  private final boolean outIsTerminal;

  CommandIo(OutputStream stdout, PrintStream err, boolean errIsTerminal) {
    this(stdout, err, errIsTerminal, false);
  }

  CommandIo(OutputStream stdout, PrintStream err, boolean errIsTerminal, boolean outIsTerminal) {
    this.stdout = requireNonNull(stdout, "stdout is null");
    this.err = requireNonNull(err, "err is null");
    this.out = new PrintStream(stdout, false, StandardCharsets.UTF_8);
    this.errIsTerminal = errIsTerminal;
    this.outIsTerminal = outIsTerminal;
  }

  /** The process's own streams. Standard output is not a PrintStream, so write errors surface. */
  static CommandIo system() {
    OutputStream stdout =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    return new CommandIo(stdout, err, isTerminal(2), isTerminal(1));
  }

  /** Standard output as bytes, for data; flushed by the caller. */
  OutputStream stdout() {
    return stdout;
  }

  /** Standard output as UTF-8 text; call {@link #flush()} when done. */
  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  boolean errIsTerminal() {
    return errIsTerminal;
  }

  /** Whether standard output is a terminal (binary exports refuse to go there). */
  boolean outIsTerminal() {
    return outIsTerminal;
  }

  void flush() {
    out.flush();
    try {
      stdout.flush();
    } catch (IOException e) {
      // the reader went away; nothing left to tell it
    }
    err.flush();
  }

  /**
   * Whether file descriptor {@code fd} (1 or 2) is a terminal. Java 17 has no isatty; {@code
   * System.console()} answers for stdin and stdout together, which is wrong for {@code floe export
   * ... - | consumer}, where stdout is a pipe and stderr still the user's terminal. Linux tells
   * through /proc; elsewhere System.console() is the best guess.
   */
  static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
