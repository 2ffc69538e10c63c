package dev.floe.cli.filter;

import dev.floe.cli.filter.SqlLiteral.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Gives a SQL literal the type of the column it is compared with, in the Java representation that
 * Iceberg's {@code Expressions} accept for that type: Integer/Long/Float/Double, BigDecimal with
 * the column's scale, String, Boolean, UUID, ByteBuffer, Integer days for dates, Long microseconds
 * for times and timestamps. Nanosecond timestamps are passed as ISO text, which Iceberg converts
 * exactly when it binds the filter.
 *
 * <p>Timestamps without an offset are read as UTC for {@code timestamptz} columns; a timestamp with
 * an offset is refused for a column without time zone, where it would be ambiguous.
 */
final class LiteralConversion {
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private LiteralConversion() {}

  /**
   * The value of {@code literal} as {@code column}'s type.
   *
   * @throws IllegalArgumentException with the reason, if the literal does not fit the type
   */
  static Object convert(SqlLiteral literal, Types.NestedField column) {
    Type type = column.type();
    switch (type.typeId()) {
      case BOOLEAN:
        expect(literal, Kind.BOOLEAN, "TRUE or FALSE");
        return Boolean.valueOf(literal.text());
      case INTEGER:
        return integer(literal, -(1L << 31), (1L << 31) - 1, "int").intValue();
      case LONG:
        return integer(literal, Long.MIN_VALUE, Long.MAX_VALUE, "long").longValue();
      case FLOAT:
        return (float) floating(literal, true);
      case DOUBLE:
        return floating(literal, false);
      case DECIMAL:
        return decimal(literal, (Types.DecimalType) type);
      case STRING:
        expect(literal, Kind.STRING, "a string in single quotes");
        return literal.text();
      case UUID:
        return uuid(literal);
      case DATE:
        return (int) date(literal).toEpochDay();
      case TIME:
        return time(literal);
      case TIMESTAMP:
        return micros(timestamp(literal, ((Types.TimestampType) type).shouldAdjustToUTC()));
      case TIMESTAMP_NANO:
        boolean utc = ((Types.TimestampNanoType) type).shouldAdjustToUTC();
        Instant instant = timestamp(literal, utc);
        return utc
            ? instant.atOffset(ZoneOffset.UTC).toString()
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
      case BINARY:
        return ByteBuffer.wrap(bytes(literal));
      case FIXED:
        byte[] bytes = bytes(literal);
        int length = ((Types.FixedType) type).length();
        if (bytes.length != length) {
          throw new IllegalArgumentException(
              String.format("has %d bytes, expected %d", bytes.length, length));
        }
        return ByteBuffer.wrap(bytes);
      default:
        throw new IllegalArgumentException("columns of type " + type + " cannot be filtered");
    }
  }

  private static void expect(SqlLiteral literal, Kind kind, String expected) {
    if (literal.kind() != kind) {
      throw new IllegalArgumentException("expected " + expected);
    }
  }

  private static BigInteger integer(SqlLiteral literal, long min, long max, String name) {
    expect(literal, Kind.NUMBER, "an integer");
    BigInteger value;
    try {
      value = new BigDecimal(literal.text()).toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("expected an integer");
    }
    if (value.compareTo(BigInteger.valueOf(min)) < 0
        || value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new IllegalArgumentException("out of range for " + name);
    }
    if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException("out of range for " + name);
    }
    return value;
  }

  private static double floating(SqlLiteral literal, boolean single) {
    expect(literal, Kind.NUMBER, "a number");
    double value = single ? Float.parseFloat(literal.text()) : Double.parseDouble(literal.text());
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException("out of range for " + (single ? "float" : "double"));
    }
    return value;
  }

  private static BigDecimal decimal(SqlLiteral literal, Types.DecimalType type) {
    expect(literal, Kind.NUMBER, "a number");
    BigDecimal value = new BigDecimal(literal.text());
    if (value.scale() > type.scale()) {
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() > type.scale()) {
        throw new IllegalArgumentException(
            "has more than " + type.scale() + " digits after the decimal point");
      }
    }
    BigDecimal scaled = value.setScale(type.scale());
    if (scaled.precision() > type.precision()) {
      throw new IllegalArgumentException("has more than " + type.precision() + " digits");
    }
    return scaled;
  }

  private static UUID uuid(SqlLiteral literal) {
    expect(literal, Kind.STRING, "a uuid in single quotes");
    if (!UUID_TEXT.matcher(literal.text()).matches()) {
      throw new IllegalArgumentException("expected 8-4-4-4-12 hexadecimal digits");
    }
    return UUID.fromString(literal.text());
  }

  private static LocalDate date(SqlLiteral literal) {
    if (literal.kind() != Kind.DATE && literal.kind() != Kind.STRING) {
      throw new IllegalArgumentException("expected DATE 'YYYY-MM-DD'");
    }
    try {
      return LocalDate.parse(literal.text().trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected DATE 'YYYY-MM-DD'");
    }
  }

  private static long time(SqlLiteral literal) {
    if (literal.kind() != Kind.TIME && literal.kind() != Kind.STRING) {
      throw new IllegalArgumentException("expected TIME 'HH:MM:SS[.ffffff]'");
    }
    LocalTime time;
    try {
      time = LocalTime.parse(literal.text().trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected TIME 'HH:MM:SS[.ffffff]'");
    }
    if (time.getNano() % 1000 != 0) {
      throw new IllegalArgumentException("is more precise than microseconds");
    }
    return time.toNanoOfDay() / 1000;
  }

  /** The instant a timestamp literal names; zone-less text is UTC. */
  private static Instant timestamp(SqlLiteral literal, boolean withZone) {
    if (literal.kind() != Kind.TIMESTAMP
        && literal.kind() != Kind.STRING
        && literal.kind() != Kind.DATE) {
      throw new IllegalArgumentException("expected TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'");
    }
    String text = literal.text().trim();
    if (text.length() > 10 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11);
    }
    try {
      OffsetDateTime withOffset = OffsetDateTime.parse(text, DateTimeFormatter.ISO_DATE_TIME);
      if (!withZone) {
        throw new IllegalArgumentException(
            "has a time zone offset, but the column is a timestamp without time zone");
      }
      return withOffset.toInstant();
    } catch (DateTimeParseException e) {
      // no offset: try the local forms
    }
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("expected TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'");
    }
  }

  private static long micros(Instant instant) {
    if (instant.getNano() % 1000 != 0) {
      throw new IllegalArgumentException("is more precise than microseconds");
    }
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static byte[] bytes(SqlLiteral literal) {
    if (literal.kind() == Kind.HEX) {
      try {
        return HexFormat.of().parseHex(literal.text());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected an even number of hexadecimal digits");
      }
    } else if (literal.kind() == Kind.STRING) {
      return literal.text().getBytes(StandardCharsets.UTF_8);
    }
    throw new IllegalArgumentException("expected X'hex digits' or a string");
  }
}
