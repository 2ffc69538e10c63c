package dev.floe.export;

/**
 * Appends the canonical text of strings, dates, times and timestamps. Dates and times are computed
 * by hand rather than through {@code java.time} because export calls these once per value and the
 * formatters allocate.
 */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private JsonText() {}

  /**
   * A JSON string escaped exactly like ECMAScript's {@code JSON.stringify}: the two-character
   * escapes, backslash-u escapes with four lower-case hex digits for the other control characters
   * and for unpaired surrogates, everything else (U+2028, non-BMP, ...) raw.
   */
  static void appendString(StringBuilder out, CharSequence value) {
    out.append('"');
    int length = value.length();
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (Character.isHighSurrogate(c)
              && i + 1 < length
              && Character.isLowSurrogate(value.charAt(i + 1))) {
            out.append(c).append(value.charAt(++i));
          } else {
            appendUnicodeEscape(out, c);
          }
      }
    }
    out.append('"');
  }

  private static void appendUnicodeEscape(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xF])
        .append(HEX[(c >> 8) & 0xF])
        .append(HEX[(c >> 4) & 0xF])
        .append(HEX[c & 0xF]);
  }

  /** Lower-case {@code 8-4-4-4-12} text of 16 big-endian bytes. */
  static void appendUuid(StringBuilder out, byte[] bytes) {
    out.append('"');
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out.append('-');
      }
      out.append(HEX[(bytes[i] >> 4) & 0xF]).append(HEX[bytes[i] & 0xF]);
    }
    out.append('"');
  }

  /** {@code YYYY-MM-DD}, proleptic Gregorian, unquoted. */
  static void appendDate(StringBuilder out, long epochDay) {
    // Civil-from-days over 400-year eras (146097 days), with years starting on March 1 so that
    // the leap day is the last day of the year.
    long shifted = epochDay + 719_468;
    long era = Math.floorDiv(shifted, 146_097);
    long dayOfEra = shifted - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    appendYear(out, year);
    out.append('-');
    appendPadded(out, month, 2);
    out.append('-');
    appendPadded(out, day, 2);
  }

  /**
   * Four digits for years 0000..9999; outside that range the ISO-8601 expanded form that {@code
   * java.time} prints ({@code +10000}, {@code -0001}), which the canonical format never needs.
   */
  private static void appendYear(StringBuilder out, long year) {
    if (year < 0) {
      out.append('-');
      appendPadded(out, -year, 4);
    } else if (year > 9999) {
      out.append('+').append(year);
    } else {
      appendPadded(out, year, 4);
    }
  }

  /** {@code HH:MM:SS.ffffff} (micros) or {@code HH:MM:SS.fffffffff} (nanos), unquoted. */
  static void appendTimeOfDay(StringBuilder out, long unitsOfDay, boolean nanos) {
    long unitsPerSecond = nanos ? 1_000_000_000L : 1_000_000L;
    long seconds = unitsOfDay / unitsPerSecond;
    appendPadded(out, seconds / 3600, 2);
    out.append(':');
    appendPadded(out, (seconds / 60) % 60, 2);
    out.append(':');
    appendPadded(out, seconds % 60, 2);
    out.append('.');
    appendPadded(out, unitsOfDay % unitsPerSecond, nanos ? 9 : 6);
  }

  /**
   * {@code YYYY-MM-DDTHH:MM:SS.ffffff[Z]} for micros (9 fraction digits for nanos), unquoted. Floor
   * division keeps instants before 1970 on the right day and second.
   */
  static void appendTimestamp(StringBuilder out, long sinceEpoch, boolean nanos, boolean utc) {
    long unitsPerDay = nanos ? NANOS_PER_DAY : MICROS_PER_DAY;
    appendDate(out, Math.floorDiv(sinceEpoch, unitsPerDay));
    out.append('T');
    appendTimeOfDay(out, Math.floorMod(sinceEpoch, unitsPerDay), nanos);
    if (utc) {
      out.append('Z');
    }
  }

  static void appendPadded(StringBuilder out, long value, int width) {
    // value is non-negative here; count its digits without allocating.
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = digits; i < width; i++) {
      out.append('0');
    }
    out.append(value);
  }
}
