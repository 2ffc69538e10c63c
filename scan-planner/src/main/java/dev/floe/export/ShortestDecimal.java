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
 * the shortest ({@code 4.9E-324} for {@code 5e-324}), and even the fixed JDK 19+ algorithm keeps
 * two digits where one suffices. Its output is only used as an upper bound for the digit count; the
 * digits themselves come from rounding the exact binary value with {@link BigDecimal} and checking
 * that they parse back to the same value, which is exactly how ECMAScript defines the result.
 */
final class ShortestDecimal {
  // 17 significant digits always identify a double, 9 always identify a float.
  private static final int MAX_DOUBLE_DIGITS = 17;
  private static final int MAX_FLOAT_DIGITS = 9;

  private static final MathContext[] TOWARD_ZERO = contexts(RoundingMode.DOWN);
  private static final MathContext[] AWAY_FROM_ZERO = contexts(RoundingMode.UP);

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
    String jdk = Double.toString(value);
    int upper = Double.parseDouble(jdk) == value ? significantDigits(jdk) : MAX_DOUBLE_DIGITS;
    BigDecimal shortest =
        shortest(
            new BigDecimal(value),
            Math.min(upper, MAX_DOUBLE_DIGITS),
            MAX_DOUBLE_DIGITS,
            candidate -> Double.parseDouble(candidate.toString()) == value);
    return layout(shortest);
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
    String jdk = Float.toString(value);
    int upper = Float.parseFloat(jdk) == value ? significantDigits(jdk) : MAX_FLOAT_DIGITS;
    BigDecimal shortest =
        shortest(
            // float -> double is exact, so this is the exact binary value of the float.
            new BigDecimal((double) value),
            Math.min(upper, MAX_FLOAT_DIGITS),
            MAX_FLOAT_DIGITS,
            candidate -> Float.parseFloat(candidate.toString()) == value);
    return layout(shortest);
  }

  private interface RoundTrip {
    boolean test(BigDecimal candidate);
  }

  /**
   * Walks the digit count down from a length known to round-trip. If {@code p} digits can
   * round-trip then so can {@code p + 1} (append a zero), so the first failure ends the search.
   */
  private static BigDecimal shortest(BigDecimal exact, int upper, int max, RoundTrip roundTrip) {
    BigDecimal best = closest(exact, upper, roundTrip);
    if (best == null) {
      // Not expected (the JDK's text round-trips), but the maximum digit count always does.
      best = closest(exact, max, roundTrip);
      upper = max;
    }
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
   * length lies farther out on the same side. Both may round-trip because the interval that rounds
   * to a power of two is lopsided; then the closer one wins, and on a tie the even one.
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

  private static int significantDigits(String jdkText) {
    return new BigDecimal(jdkText).stripTrailingZeros().precision();
  }

  /**
   * ECMAScript Number::toString layout for value = digits × 10^(n − k), with k digits and no
   * trailing zeros: plain notation for 1e-7 < |value| < 1e21, otherwise {@code d.ddde±x}.
   */
  private static String layout(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    String digits = stripped.unscaledValue().abs().toString();
    int k = digits.length();
    int n = k - stripped.scale();
    StringBuilder out = new StringBuilder(k + 8);
    if (stripped.signum() < 0) {
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
