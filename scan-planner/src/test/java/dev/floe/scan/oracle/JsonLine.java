package dev.floe.scan.oracle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one canonical JSON line into its top-level members, keeping each value's raw text. Values
 * are never re-encoded: canonical text is unique per value, so comparing raw texts is value-exact,
 * and a subset of members joined back is exactly the canonical line of that projection.
 */
final class JsonLine {
  private final String line;
  private int pos;

  private JsonLine(String line) {
    this.line = line;
  }

  /** Member name → raw value text, in line order. */
  static Map<String, String> members(String line) {
    return new JsonLine(line).object();
  }

  /** The canonical line made of {@code names}' members, in that order. */
  static String project(Map<String, String> members, List<String> names) {
    StringBuilder out = new StringBuilder("{");
    for (String name : names) {
      String value = members.get(name);
      if (value == null) {
        throw new IllegalArgumentException("Cannot project line: no member " + name);
      }
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"').append(name).append("\":").append(value);
    }
    return out.append('}').toString();
  }

  /** The Java value of a JSON string literal's raw text. */
  static String decodeString(String raw) {
    if (raw.length() < 2 || raw.charAt(0) != '"' || raw.charAt(raw.length() - 1) != '"') {
      throw new IllegalArgumentException("Cannot decode JSON string: " + raw);
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 1; i < raw.length() - 1; i++) {
      char c = raw.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = raw.charAt(++i);
      switch (escaped) {
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
          i += 4;
          break;
        default: // " \ /
          out.append(escaped);
      }
    }
    return out.toString();
  }

  private Map<String, String> object() {
    expect('{');
    Map<String, String> members = new LinkedHashMap<>();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      int keyStart = pos;
      skipString();
      String key = decodeString(line.substring(keyStart, pos));
      expect(':');
      int valueStart = pos;
      skipValue();
      members.put(key, line.substring(valueStart, pos));
      char next = line.charAt(pos++);
      if (next == '}') {
        if (pos != line.length()) {
          throw new IllegalArgumentException("Cannot split JSON line: trailing text in " + line);
        }
        return members;
      }
      if (next != ',') {
        throw new IllegalArgumentException("Cannot split JSON line: bad separator in " + line);
      }
    }
  }

  private void skipValue() {
    char c = peek();
    if (c == '"') {
      skipString();
    } else if (c == '{' || c == '[') {
      int depth = 0;
      do {
        char d = peek();
        if (d == '"') {
          skipString();
          continue;
        }
        if (d == '{' || d == '[') {
          depth++;
        } else if (d == '}' || d == ']') {
          depth--;
        }
        pos++;
      } while (depth > 0);
    } else {
      while (pos < line.length() && line.charAt(pos) != ',' && line.charAt(pos) != '}') {
        pos++;
      }
    }
  }

  private void skipString() {
    expect('"');
    while (true) {
      char c = line.charAt(pos++);
      if (c == '\\') {
        pos++;
      } else if (c == '"') {
        return;
      }
    }
  }

  private char peek() {
    return line.charAt(pos);
  }

  private void expect(char c) {
    if (pos >= line.length() || line.charAt(pos) != c) {
      throw new IllegalArgumentException(
          String.format("Cannot split JSON line: expected '%s' at %d in %s", c, pos, line));
    }
    pos++;
  }
}
