package dev.floe.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An aligned plain-text table, printed as its rows arrive: a header, a rule, then rows; numbers
 * right-aligned. Cells are kept to one line (control characters escaped) and cut at a maximum
 * width, at the end, or at the start for columns whose tail matters (a file path's file name).
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

  /**
   * A column: its name, whether its values are right-aligned (numbers), and whether long values are
   * cut at the start, keeping their tail ({@code …/data/00000-0-1.parquet}).
   */
  record Column(String name, boolean rightAligned, boolean keepTail) {
    Column {
      requireNonNull(name, "name is null");
    }

    static Column of(String name, boolean rightAligned) {
      return new Column(name, rightAligned, false);
    }
  }

  private final List<Column> columns;
  private final int maxWidth;
  private final int window;
  private final Consumer<String> out;
  private final List<String[]> pending = new ArrayList<>();
  private int[] widths;
  private long rows;

  /**
   * @param out receives each line, without its line end
   */
  TextTable(List<Column> columns, int maxWidth, Consumer<String> out) {
    this(columns, maxWidth, WINDOW, out);
  }

  TextTable(List<Column> columns, int maxWidth, int window, Consumer<String> out) {
    this.columns = List.copyOf(columns);
    this.maxWidth = maxWidth;
    this.window = window;
    this.out = requireNonNull(out, "out is null");
  }

  /** Adds a row; null cells show as NULL. */
  void add(String[] cells) {
    String[] shown = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      shown[i] = cells[i] == null ? NULL : cell(cells[i], columns.get(i).keepTail());
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
    int count = columns.size();
    widths = new int[count];
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = cell(columns.get(i).name(), false);
      widths[i] = width(names[i]);
    }
    for (String[] row : pending) {
      for (int i = 0; i < count; i++) {
        widths[i] = Math.max(widths[i], width(row[i]));
      }
    }
    line(names, false);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < count; i++) {
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
      if (align && columns.get(i).rightAligned()) {
        line.append(padding).append(cells[i]);
      } else {
        line.append(cells[i]).append(padding);
      }
    }
    out.accept(line.toString().stripTrailing());
  }

  private String cell(String value, boolean keepTail) {
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
    int width = width(text);
    if (width <= maxWidth) {
      return text;
    }
    int kept = Math.max(maxWidth - 1, 1);
    if (keepTail) {
      return "…" + text.substring(text.offsetByCodePoints(0, width - kept));
    }
    return text.substring(0, text.offsetByCodePoints(0, kept)) + "…";
  }

  private static int width(String text) {
    return text.codePointCount(0, text.length());
  }
}
