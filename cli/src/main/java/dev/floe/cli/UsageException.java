package dev.floe.cli;

/**
 * A problem with what the user asked for — a bad option value, a table that does not exist, a
 * filter that does not fit the table — as opposed to a failure while doing it. Exit code 2; the
 * Python package raises it as {@code floe.UsageError}.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
