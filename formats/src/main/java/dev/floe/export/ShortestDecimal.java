package dev.floe.export;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal text that reads back as the same {@code double} / {@code float}, laid out
 * like ECMAScript's {@code Number.prototype.toString}: {@code 0.1}, {@code 1e+21}, {@code 1e-7},
 * {@code 5e-324}, {@code 16777216}.
 *
 * <p>One deliberate difference from ECMAScript: negative zero is {@code -0}, because the canonical
 * encoding must tell it apart from {@code 0}.
 *
 * <p>The JDK cannot be used directly: on JDK 17 {@link Double#toString(double)} is sometimes not
 * the shortest ({@code 4.9E-324} for {@code 5e-324}, {@code 8.409999999999999E21} for {@code
 * 8.41e21}), and even the fixed JDK 19+ algorithm keeps two digits where one suffices. So its text
 * is only a candidate: a few parses prove most of them shortest and closest, and the rest are
 * decided on the exact binary value with {@link BigDecimal}, checking that candidates parse back to
 * the same value, which is exactly how ECMAScript defines the result.
 */
final class ShortestDecimal {
  // 17 significant digits always identify a double, 9 always identify a float.
  private static final int MAX_DOUBLE_DIGITS = 17;
  private static final int MAX_FLOAT_DIGITS = 9;

  private static final MathContext[] TOWARD_ZERO = contexts(RoundingMode.DOWN);
  private static final MathContext[] AWAY_FROM_ZERO = contexts(RoundingMode.UP);
  private static final MathContext[] NEAREST = contexts(RoundingMode.HALF_EVEN);

  private ShortestDecimal() {}

  static String toString(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return Double.doubleToRawLongBits(value) < 0 ? "-0" : "0";
    }
    // Below 2^53 an integral double is the only integer within half an ulp of itself, so its
    // plain digits are already the shortest text and no exponent is needed.
    if (Math.abs(value) < 0x1p53 && value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    double magnitude = Math.abs(value);
    String text =
        shortest(
            Double.toString(magnitude),
            Math.ulp(magnitude),
            MAX_DOUBLE_DIGITS,
            candidate -> Double.parseDouble(candidate) == magnitude,
            () -> new BigDecimal(magnitude));
    return value < 0 ? "-" + text : text;
  }

  static String toString(float value) {
    if (Float.isNaN(value)) {
      return "NaN";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    if (value == 0) {
      return Float.floatToRawIntBits(value) < 0 ? "-0" : "0";
    }
    if (Math.abs(value) < 0x1p24f && value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    float magnitude = Math.abs(value);
    String text =
        shortest(
            Float.toString(magnitude),
            Math.ulp(magnitude),
            MAX_FLOAT_DIGITS,
            candidate -> Float.parseFloat(candidate) == magnitude,
            // float -> double is exact, so this is the exact binary value of the float.
            () -> new BigDecimal((double) magnitude));
    return value < 0 ? "-" + text : text;
  }

  /** Whether a decimal text parses back to the value being formatted. */
  private interface RoundTrip {
    boolean test(String candidate);

    default boolean test(BigDecimal candidate) {
      return test(candidate.toString());
    }
  }

  private interface Exact {
    BigDecimal get();
  }

  /**
   * The text of a positive finite value, starting from the JDK's text with k significant digits
   * (which reads back as the value: the JDK guarantees that much). The decimals that read back form
   * an interval, so (1) if neither (k-1)-digit decimal next to the JDK's text reads back, no
   * shorter text does, and (2) if then neither k-digit neighbour reads back either, the JDK's
   * digits are the only k-digit candidate, hence the closest. Otherwise exact arithmetic decides.
   *
   * <p>Both checks are often settled without parsing: every decimal that reads back lies within
   * half an ulp of the value, as do the JDK's digits, so two that read back are at most one ulp
   * apart, and candidates farther than that from the JDK's digits cannot read back.
   */
  private static String shortest(
      String jdk, double ulp, int maxDigits, RoundTrip roundTrip, Exact exact) {
    int e = jdk.indexOf('E');
    String mantissa = e < 0 ? jdk : jdk.substring(0, e);
    int dot = mantissa.indexOf('.');
    String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    int start = 0;
    while (start < all.length() - 1 && all.charAt(start) == '0') {
      start++;
    }
    int end = all.length();
    while (end > start + 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    String digits = all.substring(start, end);
    int k = digits.length();
    if (k > maxDigits) {
      return layout(search(exact.get(), maxDigits, roundTrip));
    }
    // value ≈ digits × 10^scale
    int scale =
        (e < 0 ? 0 : Integer.parseInt(jdk.substring(e + 1)))
            - (mantissa.length() - dot - 1)
            + (all.length() - end);
    long unscaled = Long.parseLong(digits);
    // One ulp in units of the last digit, rounded up generously against pow's error; infinite
    // when 10^scale underflows, which just means "parse to find out".
    double ulps = ulp / Math.pow(10, scale) * (1 + 1e-6);
    int lastDigit = (int) (unscaled % 10);
    if (k > 1
        && ulps >= Math.min(lastDigit, 10 - lastDigit)
        && (roundTrip.test(unscaled / 10 + "E" + (scale + 1))
            || roundTrip.test((unscaled / 10 + 1) + "E" + (scale + 1)))) {
      return layout(search(exact.get(), k - 1, roundTrip));
    }
    if (ulps < 1
        || (!roundTrip.test((unscaled - 1) + "E" + scale)
            && !roundTrip.test((unscaled + 1) + "E" + scale))) {
      return layout(false, digits, k + scale);
    }
    // k digits are needed and several k-digit decimals read back: take the one nearest the exact
    // value, or, next to a power of two where the interval is lopsided, the closer neighbour.
    BigDecimal value = exact.get();
    BigDecimal nearest = value.round(NEAREST[k]);
    return layout(roundTrip.test(nearest) ? nearest : closest(value, k, roundTrip));
  }

  /**
   * The shortest decimal that reads back, given that one of {@code upper} digits does. If {@code p}
   * digits can round-trip then so can {@code p + 1} (append a zero), so the first failure ends the
   * walk down.
   */
  private static BigDecimal search(BigDecimal exact, int upper, RoundTrip roundTrip) {
    BigDecimal best = closest(exact, upper, roundTrip);
    for (int digits = upper - 1; digits >= 1; digits--) {
      BigDecimal candidate = closest(exact, digits, roundTrip);
      if (candidate == null) {
        break;
      }
      best = candidate;
    }
    return best;
  }

  /**
   * The decimal with {@code digits} significant digits closest to {@code exact} that round-trips,
   * or null. Only the two neighbours of the exact value can qualify: any other decimal of that
   * length lies farther out on the same side. Both may round-trip; then the closer one wins, and on
   * a tie the even one.
   */
  private static BigDecimal closest(BigDecimal exact, int digits, RoundTrip roundTrip) {
    BigDecimal towardZero = exact.round(TOWARD_ZERO[digits]);
    if (towardZero.compareTo(exact) == 0) {
      return roundTrip.test(towardZero) ? towardZero : null;
    }
    BigDecimal awayFromZero = exact.round(AWAY_FROM_ZERO[digits]);
    boolean towardOk = roundTrip.test(towardZero);
    boolean awayOk = roundTrip.test(awayFromZero);
    if (towardOk && awayOk) {
      int cmp = exact.subtract(towardZero).abs().compareTo(awayFromZero.subtract(exact).abs());
      if (cmp != 0) {
        return cmp < 0 ? towardZero : awayFromZero;
      }
      return towardZero.unscaledValue().testBit(0) ? awayFromZero : towardZero;
    }
    return towardOk ? towardZero : awayOk ? awayFromZero : null;
  }

  private static String layout(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    String digits = stripped.unscaledValue().abs().toString();
    return layout(stripped.signum() < 0, digits, digits.length() - stripped.scale());
  }

  /**
   * ECMAScript Number::toString layout for value = 0.digits × 10^n, with k digits and no leading or
   * trailing zeros: plain notation for 1e-7 < |value| < 1e21, otherwise {@code d.ddde±x}.
   */
  private static String layout(boolean negative, String digits, int n) {
    int k = digits.length();
    StringBuilder out = new StringBuilder(k + 8);
    if (negative) {
      out.append('-');
    }
    if (k <= n && n <= 21) {
      out.append(digits);
      appendZeros(out, n - k);
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.");
      appendZeros(out, -n);
      out.append(digits);
    } else {
      int exponent = n - 1;
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(exponent >= 0 ? '+' : '-').append(Math.abs(exponent));
    }
    return out.toString();
  }

  private static void appendZeros(StringBuilder out, int count) {
    for (int i = 0; i < count; i++) {
      out.append('0');
    }
  }

  private static MathContext[] contexts(RoundingMode mode) {
    MathContext[] contexts = new MathContext[MAX_DOUBLE_DIGITS + 1];
    for (int digits = 1; digits <= MAX_DOUBLE_DIGITS; digits++) {
      contexts[digits] = new MathContext(digits, mode);
    }
    return contexts;
  }
}
