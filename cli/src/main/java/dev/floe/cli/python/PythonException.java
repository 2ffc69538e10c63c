package dev.floe.cli.python;

import dev.floe.cli.Floe;

/**
 * A failure as the Python package raises it: Floe's one-line message (as the {@code floe} command
 * prints it, without the command name) and whether it is about what was asked for ({@code
 * floe.UsageError}: a bad table, column, filter or option) or a failure while doing it ({@code
 * floe.ReadError}). No stack trace reaches Python; the cause is kept for debugging.
 */
public final class PythonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean usage;

  PythonException(Throwable cause) {
    super(Floe.describe(cause), cause);
    this.usage = Floe.isUsage(cause);
  }

  /** Whether the problem is in what was asked for, not in reading it. */
  public boolean isUsage() {
    return usage;
  }
}
