package dev.floe.cli;

/**
 * A failure the user has been told about already — an export cut short by Ctrl-C or SIGTERM, which
 * the shutdown hook reports once it has deleted the temporary file. The command line prints nothing
 * more for it.
 */
final class AlreadyReported extends RuntimeException {
  private static final long serialVersionUID = 1L;

  AlreadyReported(Throwable cause) {
    super(cause);
  }
}
