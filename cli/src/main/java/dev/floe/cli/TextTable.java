package dev.floe.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An aligned plain-text table, printed as its rows arrive: a header, a rule, then rows; numbers
 * right-aligned. Cells are kept to one line (control characters escaped) and cut at a maximum
 * width.
 *
 * <p>Column widths come from the header and the first {@code window} rows, which are held back
 * until the window is full or the table ends; every later row is printed as it is added. So the
 * table holds at most {@code window} rows of at most {@code maxWidth} characters per cell, however
 * many rows go through it. A later cell wider than its column widens the column from that row on.
 */
final class TextTable {
  static final String NULL = "NULL";

  /** Rows whose cells decide the column widths. */
  static final int WINDOW = 1_000;

  private final List<String> header;
  private final boolean[] rightAligned;
  private final int maxWidth;
  private final int window;
  private final Consumer<String> out;
  private final List<String[]> pending = new ArrayList<>();
  private int[] widths;
  private long rows;

  /**
   * @param out receives each line, without its line end
   */
  TextTable(List<String> header, boolean[] rightAligned, int maxWidth, Consumer<String> out) {
    this(header, rightAligned, maxWidth, WINDOW, out);
  }

  TextTable(
      List<String> header, boolean[] rightAligned, int maxWidth, int window, Consumer<String> out) {
    this.header = List.copyOf(header);
    this.rightAligned = rightAligned.clone();
    this.maxWidth = maxWidth;
    this.window = window;
    this.out = requireNonNull(out, "out is null");
  }

  /** Adds a row; null cells show as NULL. */
  void add(String[] cells) {
    String[] shown = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      shown[i] = cells[i] == null ? NULL : cell(cells[i]);
    }
    rows += 1;
    if (widths == null) {
      pending.add(shown);
      if (pending.size() >= window) {
        printHeld();
      }
    } else {
      for (int i = 0; i < shown.length; i++) {
        widths[i] = Math.max(widths[i], width(shown[i]));
      }
      line(shown, true);
    }
  }

  /** Prints the rows still held back (and the header, if not printed yet). Call at the end. */
  void finish() {
    if (widths == null) {
      printHeld();
    }
  }

  long rowCount() {
    return rows;
  }

  private void printHeld() {
    int columns = header.size();
    widths = new int[columns];
    String[] names = new String[columns];
    for (int i = 0; i < columns; i++) {
      names[i] = cell(header.get(i));
      widths[i] = width(names[i]);
    }
    for (String[] row : pending) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], width(row[i]));
      }
    }
    line(names, false);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < columns; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    out.accept(rule.toString());
    for (String[] row : pending) {
      line(row, true);
    }
    pending.clear();
  }

  private void line(String[] cells, boolean align) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append(" | ");
      }
      String padding = " ".repeat(widths[i] - width(cells[i]));
      if (align && rightAligned[i]) {
        line.append(padding).append(cells[i]);
      } else {
        line.append(cells[i]).append(padding);
      }
    }
    out.accept(line.toString().stripTrailing());
  }

  private String cell(String value) {
    StringBuilder escaped = new StringBuilder();
    value
        .codePoints()
        .forEach(
            c -> {
              if (c == '\n') {
                escaped.append("\\n");
              } else if (c == '\r') {
                escaped.append("\\r");
              } else if (c == '\t') {
                escaped.append("\\t");
              } else if (c < 0x20 || c == 0x7f) {
                escaped.append(String.format("\\x%02x", c));
              } else {
                escaped.appendCodePoint(c);
              }
            });
    String text = escaped.toString();
    if (width(text) > maxWidth) {
      int end = text.offsetByCodePoints(0, Math.max(maxWidth - 1, 1));
      text = text.substring(0, end) + "…";
    }
    return text;
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }
}
