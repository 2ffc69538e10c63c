package dev.floe.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TestJsonText {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");

  @Test
  void escapesLikeJsonStringify() {
    // Expected texts printed by Node.js JSON.stringify.
    assertThat(string("")).isEqualTo("\"\"");
    assertThat(string("quote\" backslash\\ ctrl\u0001 nl\n tab\t"))
        .isEqualTo("\"quote\\\" backslash\\\\ ctrl\\u0001 nl\\n tab\\t\"");
    assertThat(string("\b\f\r\u0000\u001f\u007f")).isEqualTo("\"\\b\\f\\r\\u0000\\u001f\u007f\"");
    assertThat(string("\u2028\u2029")).isEqualTo("\"\u2028\u2029\"");
    assertThat(string("😀 日本語 é")).isEqualTo("\"😀 日本語 é\"");
    assertThat(string("e\u0301\uffff")).isEqualTo("\"e\u0301\uffff\"");
    // Well-formed JSON.stringify (ES2019) escapes unpaired surrogates.
    assertThat(string("\ud800")).isEqualTo("\"\\ud800\"");
    assertThat(string("x\udc00y")).isEqualTo("\"x\\udc00y\"");
    assertThat(string("\ud83d")).isEqualTo("\"\\ud83d\"");
    assertThat(string("\udc00\ud800")).isEqualTo("\"\\udc00\\ud800\"");
  }

  @Test
  void everyDateFromYear1To9999MatchesJavaTime() {
    long first = LocalDate.of(1, 1, 1).toEpochDay();
    long last = LocalDate.of(9999, 12, 31).toEpochDay();
    StringBuilder out = new StringBuilder();
    for (long day = first; day <= last; day++) {
      out.setLength(0);
      JsonText.appendDate(out, day);
      String expected = LocalDate.ofEpochDay(day).toString();
      if (!expected.contentEquals(out)) {
        assertThat(out.toString()).as("epoch day %d", day).isEqualTo(expected);
      }
    }
  }

  @Test
  void datesOutsideFourDigitYears() {
    assertThat(date(LocalDate.of(10000, 1, 1).toEpochDay())).isEqualTo("+10000-01-01");
    assertThat(date(LocalDate.of(-1, 12, 31).toEpochDay())).isEqualTo("-0001-12-31");
    assertThat(date(LocalDate.of(0, 2, 29).toEpochDay())).isEqualTo("0000-02-29");
  }

  @Test
  void timestampsAroundTheEpochAndTheEdges() {
    assertThat(micros(-1, true)).isEqualTo("1969-12-31T23:59:59.999999Z");
    assertThat(micros(0, false)).isEqualTo("1970-01-01T00:00:00.000000");
    assertThat(micros(-62135596800000000L, true)).isEqualTo("0001-01-01T00:00:00.000000Z");
    assertThat(micros(253402300799999999L, false)).isEqualTo("9999-12-31T23:59:59.999999");
    // 1582-10-04 is proleptic Gregorian here, not the Julian date Spark's legacy mode shows.
    assertThat(micros(-12219292800000000L - 1, true)).isEqualTo("1582-10-14T23:59:59.999999Z");
    StringBuilder out = new StringBuilder();
    JsonText.appendTimestamp(out, Long.MAX_VALUE, true, true);
    assertThat(out.toString()).isEqualTo("2262-04-11T23:47:16.854775807Z");
    out.setLength(0);
    JsonText.appendTimestamp(out, -1, true, false);
    assertThat(out.toString()).isEqualTo("1969-12-31T23:59:59.999999999");
  }

  @Test
  void randomTimestampsMatchJavaTime() {
    SplittableRandom random = new SplittableRandom(11);
    long min = -62135596800000000L;
    long max = 253402300799999999L;
    for (int i = 0; i < 200_000; i++) {
      long value = random.nextLong(min, max);
      LocalDateTime expected =
          LocalDateTime.ofEpochSecond(
              Math.floorDiv(value, 1_000_000L),
              (int) Math.floorMod(value, 1_000_000L) * 1000,
              ZoneOffset.UTC);
      assertThat(micros(value, false)).isEqualTo(MICROS.format(expected));
      long nanos = random.nextLong();
      LocalDateTime expectedNanos =
          LocalDateTime.ofEpochSecond(
              Math.floorDiv(nanos, 1_000_000_000L),
              (int) Math.floorMod(nanos, 1_000_000_000L),
              ZoneOffset.UTC);
      StringBuilder out = new StringBuilder();
      JsonText.appendTimestamp(out, nanos, true, true);
      assertThat(out.toString()).isEqualTo(NANOS.format(expectedNanos) + "Z");
    }
  }

  @Test
  void timeOfDay() {
    StringBuilder out = new StringBuilder();
    long micros = LocalTime.of(23, 59, 59, 999_999_000).toNanoOfDay() / 1000;
    JsonText.appendTimeOfDay(out, micros, false);
    assertThat(out.toString()).isEqualTo("23:59:59.999999");
    out.setLength(0);
    JsonText.appendTimeOfDay(out, 3_723_000_004L, false);
    assertThat(out.toString()).isEqualTo("01:02:03.000004");
  }

  @Test
  void uuids() {
    StringBuilder out = new StringBuilder();
    byte[] bytes = new byte[16];
    for (int i = 0; i < 16; i++) {
      bytes[i] = (byte) (0xa0 + i);
    }
    JsonText.appendUuid(out, bytes);
    assertThat(out.toString()).isEqualTo("\"a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf\"");
  }

  private static String string(String value) {
    StringBuilder out = new StringBuilder();
    JsonText.appendString(out, value);
    return out.toString();
  }

  private static String date(long epochDay) {
    StringBuilder out = new StringBuilder();
    JsonText.appendDate(out, epochDay);
    return out.toString();
  }

  private static String micros(long value, boolean utc) {
    StringBuilder out = new StringBuilder();
    JsonText.appendTimestamp(out, value, false, utc);
    return out.toString();
  }
}
