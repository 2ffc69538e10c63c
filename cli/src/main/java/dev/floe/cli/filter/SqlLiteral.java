package dev.floe.cli.filter;

import java.util.Locale;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;

/**
 * A SQL literal as written: its kind and its text, before it is given a column's type. Keeping the
 * text (not JSqlParser's parsed double or long) lets {@code 12.50} become an exact decimal and a
 * 19-digit integer stay exact.
 */
record SqlLiteral(Kind kind, String text) {
  enum Kind {
    NUMBER,
    STRING,
    BOOLEAN,
    DATE,
    TIME,
    TIMESTAMP,
    HEX
  }

  /** The literal {@code expression} is, or null if it is not a literal this parser understands. */
  static SqlLiteral of(Expression expression) {
    if (expression instanceof LongValue value) {
      return new SqlLiteral(Kind.NUMBER, value.getStringValue());
    } else if (expression instanceof DoubleValue value) {
      return new SqlLiteral(Kind.NUMBER, value.toString());
    } else if (expression instanceof SignedExpression signed) {
      SqlLiteral inner = of(signed.getExpression());
      if (inner == null || inner.kind != Kind.NUMBER) {
        return null;
      }
      String text = inner.text;
      if (signed.getSign() == '-') {
        text = text.startsWith("-") ? text.substring(1) : "-" + text;
      } else if (signed.getSign() != '+') {
        return null;
      }
      return new SqlLiteral(Kind.NUMBER, text);
    } else if (expression instanceof StringValue value) {
      return new SqlLiteral(Kind.STRING, value.getNotExcapedValue());
    } else if (expression instanceof BooleanValue value) {
      return new SqlLiteral(Kind.BOOLEAN, Boolean.toString(value.getValue()));
    } else if (expression instanceof CastExpression cast) {
      return typed(cast);
    } else if (expression instanceof HexValue hex) {
      return new SqlLiteral(Kind.HEX, hexDigits(hex.getValue()));
    }
    return null;
  }

  /** {@code DATE '...'}, {@code TIME '...'}, {@code TIMESTAMP '...'} or a CAST of a string. */
  private static SqlLiteral typed(CastExpression cast) {
    if (!(cast.getLeftExpression() instanceof StringValue value)) {
      return null;
    }
    String type = cast.getColDataType().getDataType().toUpperCase(Locale.ROOT);
    String text = value.getNotExcapedValue();
    if (type.equals("DATE")) {
      return new SqlLiteral(Kind.DATE, text);
    } else if (type.equals("TIME")) {
      return new SqlLiteral(Kind.TIME, text);
    } else if (type.startsWith("TIMESTAMP")) {
      return new SqlLiteral(Kind.TIMESTAMP, text);
    }
    return null;
  }

  private static String hexDigits(String text) {
    // X'0A0B', x'0a0b' or 0x0A0B
    String digits = text;
    if (digits.length() > 1 && (digits.charAt(0) == 'X' || digits.charAt(0) == 'x')) {
      digits = digits.substring(1);
    } else if (digits.startsWith("0x") || digits.startsWith("0X")) {
      digits = digits.substring(2);
    }
    if (digits.startsWith("'") && digits.endsWith("'") && digits.length() >= 2) {
      digits = digits.substring(1, digits.length() - 1);
    }
    return digits;
  }

  /** How the literal reads in an error message. */
  String display() {
    switch (kind) {
      case STRING:
        return "'" + text.replace("'", "''") + "'";
      case DATE:
      case TIME:
      case TIMESTAMP:
        return kind.name() + " '" + text + "'";
      case HEX:
        return "X'" + text + "'";
      default:
        return text;
    }
  }
}
