package dev.floe.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestShortestDecimal {
  // Number::toString output: an optional sign, then a plain number without trailing fraction
  // zeros or a d[.ddd]e±x exponent form.
  private static final Pattern ECMASCRIPT_NUMBER =
      Pattern.compile(
          "-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?|-?[1-9](\\.[0-9]*[1-9])?e[+-][1-9][0-9]*");

  @ParameterizedTest
  @CsvSource({
    "0.1, 0.1",
    "1e21, 1e+21",
    "1e20, 100000000000000000000",
    "1e-7, 1e-7",
    "1e-6, 0.000001",
    "1.5e-7, 1.5e-7",
    "4.9e-324, 5e-324",
    "1.7976931348623157e308, 1.7976931348623157e+308",
    "63.43299102783203, 63.43299102783203",
    "16777216, 16777216",
    "0.30000000000000004, 0.30000000000000004",
    "9223372036854775807, 9223372036854776000",
    "2.82879384806159e17, 282879384806159000",
    "2e23, 2e+23",
    "-1.5, -1.5",
    "100, 100",
    "1e-5, 0.00001",
    "0.002, 0.002",
  })
  void doublesFromTheReadmeAndKnownJdk17Mistakes(double value, String expected) {
    assertThat(ShortestDecimal.toString(value)).isEqualTo(expected);
  }

  @Test
  void specialDoubles() {
    assertThat(ShortestDecimal.toString(-0.0)).isEqualTo("-0");
    assertThat(ShortestDecimal.toString(0.0)).isEqualTo("0");
    assertThat(ShortestDecimal.toString(Double.NaN)).isEqualTo("NaN");
    assertThat(ShortestDecimal.toString(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(ShortestDecimal.toString(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }

  @Test
  void floatsFromTheReadme() {
    assertThat(ShortestDecimal.toString(-Float.MAX_VALUE)).isEqualTo("-3.4028235e+38");
    assertThat(ShortestDecimal.toString(16777216f)).isEqualTo("16777216");
    assertThat(ShortestDecimal.toString(0.1f)).isEqualTo("0.1");
    assertThat(ShortestDecimal.toString(Float.MIN_VALUE)).isEqualTo("1e-45");
    assertThat(ShortestDecimal.toString(Float.MIN_NORMAL)).isEqualTo("1.1754944e-38");
    assertThat(ShortestDecimal.toString(-0f)).isEqualTo("-0");
    assertThat(ShortestDecimal.toString(Float.NaN)).isEqualTo("NaN");
    assertThat(ShortestDecimal.toString(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    // The same float widened to double keeps the double's own shortest text.
    assertThat(ShortestDecimal.toString(63.433f)).isEqualTo("63.433");
    assertThat(ShortestDecimal.toString((double) 63.433f)).isEqualTo("63.43299865722656");
  }

  /**
   * Thousands of values (powers of two and ten, subnormals, random bit patterns) with their text
   * from two independent implementations: Node.js {@code String(x)} for doubles and NumPy's
   * shortest float32 digits for floats. See the header of the resource file.
   */
  @Test
  void matchesGoldenTextFromIndependentImplementations() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (InputStream in = getClass().getResourceAsStream("ecmascript-numbers.txt");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split(" ");
        String actual =
            parts[0].equals("d")
                ? ShortestDecimal.toString(
                    Double.longBitsToDouble(Long.parseUnsignedLong(parts[1], 16)))
                : ShortestDecimal.toString(
                    Float.intBitsToFloat(Integer.parseUnsignedInt(parts[1], 16)));
        checked++;
        if (!actual.equals(parts[2])) {
          mismatches.add(line + " but got " + actual);
        }
      }
    }
    assertThat(checked).isGreaterThan(7000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void randomDoublesRoundTripInShortestForm() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 100_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(value)) {
        continue;
      }
      String text = ShortestDecimal.toString(value);
      assertThat(Double.parseDouble(text)).as(text).isEqualTo(value);
      if (!Double.isInfinite(value)) {
        assertThat(text).matches(ECMASCRIPT_NUMBER);
        // Never longer than the JDK's round-tripping text.
        assertThat(digits(text)).as(text).isLessThanOrEqualTo(digits(Double.toString(value)));
      }
    }
  }

  @Test
  void randomFloatsRoundTripInShortestForm() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      float value = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(value) || Float.isInfinite(value)) {
        continue;
      }
      String text = ShortestDecimal.toString(value);
      assertThat(Float.parseFloat(text)).as(text).isEqualTo(value);
      assertThat(text).matches(ECMASCRIPT_NUMBER);
      assertThat(digits(text)).as(text).isLessThanOrEqualTo(digits(Float.toString(value)));
    }
  }

  @Test
  void randomShortDecimalsComeBackAsWritten() {
    // A decimal with at most 15 significant digits survives double rounding, so its shortest
    // text is that decimal itself (kept to normal, finite magnitudes).
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      BigDecimal decimal =
          BigDecimal.valueOf(random.nextLong(1, 1_000_000_000_000_000L), random.nextInt(-290, 290))
              .stripTrailingZeros();
      double value = decimal.doubleValue();
      assertThat(new BigDecimal(ShortestDecimal.toString(value)))
          .as(decimal.toString())
          .isEqualByComparingTo(decimal);
    }
  }

  private static int digits(String text) {
    return new BigDecimal(text).stripTrailingZeros().precision();
  }
}
