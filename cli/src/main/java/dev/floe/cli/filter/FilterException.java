package dev.floe.cli.filter;

/**
 * A {@code --filter} text that cannot be parsed or does not fit the table: a syntax error, an
 * unknown column, a literal of the wrong type. The message names the offending token and its
 * 1-based character position in the text, on one line.
 */
public final class FilterException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int position;

  FilterException(String problem, int position) {
    this(problem, position, null);
  }

  /** "{problem} at position {position}; {detail}". */
  FilterException(String problem, int position, String detail) {
    super(
        (position > 0 ? problem + " at position " + position : problem)
            + (detail == null ? "" : "; " + detail));
    this.position = position;
  }

  /** 1-based character position of the offending token in the filter text, or 0 if unknown. */
  public int position() {
    return position;
  }
}
