package dev.floe.reader;

/** Closes resources one after another so that a failing close never skips the rest. */
final class Closing {
  private Closing() {}

  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /**
   * Runs {@code action}; a failure becomes (or is suppressed into) the returned failure.
   *
   * @param failure the failure so far, or null
   * @return the failure so far, or null
   */
  static RuntimeException run(RuntimeException failure, Action action) {
    try {
      action.run();
      return failure;
    } catch (Exception e) {
      if (failure == null) {
        return e instanceof RuntimeException ? (RuntimeException) e : new RuntimeException(e);
      }
      failure.addSuppressed(e);
      return failure;
    }
  }
}
