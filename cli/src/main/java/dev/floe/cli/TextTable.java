package dev.floe.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * An aligned plain-text table: a header, a rule, then rows; numbers right-aligned. Cells are kept
 * to one line (control characters escaped) and cut at a maximum width.
 */
final class TextTable {
  static final String NULL = "NULL";

  private final List<String> header;
  private final boolean[] rightAligned;
  private final int maxWidth;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(List<String> header, boolean[] rightAligned, int maxWidth) {
    this.header = List.copyOf(header);
    this.rightAligned = rightAligned.clone();
    this.maxWidth = maxWidth;
  }

  /** Adds a row; null cells show as NULL. */
  void add(String[] cells) {
    String[] shown = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      shown[i] = cells[i] == null ? NULL : cell(cells[i]);
    }
    rows.add(shown);
  }

  int rowCount() {
    return rows.size();
  }

  String render() {
    int columns = header.size();
    int[] widths = new int[columns];
    for (int i = 0; i < columns; i++) {
      widths[i] = width(cell(header.get(i)));
    }
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], width(row[i]));
      }
    }
    StringBuilder text = new StringBuilder();
    line(text, header.stream().map(this::cell).toArray(String[]::new), widths, false);
    for (int i = 0; i < columns; i++) {
      text.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
    }
    text.append('\n');
    for (String[] row : rows) {
      line(text, row, widths, true);
    }
    return text.toString();
  }

  private void line(StringBuilder text, String[] cells, int[] widths, boolean align) {
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
    text.append(line.toString().stripTrailing()).append('\n');
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
