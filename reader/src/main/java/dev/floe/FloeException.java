package dev.floe;

/**
 * The root of Floe's exception family. Every failure raised while reading a table is a {@code
 * FloeException} (or a subclass) whose message names the table, the file and the position (row
 * group / stripe / row) where the failure happened.
 *
 * <p>Invalid options are rejected when a scan is built, with {@link IllegalArgumentException}, as
 * is the Java convention for bad arguments; nothing about them is deferred to the stream.
 */
public class FloeException extends RuntimeException {
  public FloeException(String message) {
    super(message);
  }

  public FloeException(String message, Throwable cause) {
    super(message, cause);
  }
}
