package dev.floe.cli.filter;

import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/** The comparison operators, with how they flip (literal on the left) and negate. */
enum Comparison {
  EQ("="),
  NE("<>"),
  LT("<"),
  LE("<="),
  GT(">"),
  GE(">=");

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  static Comparison of(String operator) {
    String op = operator.trim();
    if (op.equals("!=") || op.equals("^=")) {
      return NE;
    }
    if (op.equals("==")) {
      return EQ;
    }
    for (Comparison comparison : values()) {
      if (comparison.symbol.equals(op)) {
        return comparison;
      }
    }
    return null;
  }

  Comparison flip() {
    switch (this) {
      case LT:
        return GT;
      case LE:
        return GE;
      case GT:
        return LT;
      case GE:
        return LE;
      default:
        return this;
    }
  }

  Comparison negate() {
    switch (this) {
      case EQ:
        return NE;
      case NE:
        return EQ;
      case LT:
        return GE;
      case LE:
        return GT;
      case GT:
        return LE;
      default:
        return LT;
    }
  }

  Expression toIceberg(String name, Object value) {
    switch (this) {
      case EQ:
        return Expressions.equal(name, value);
      case NE:
        return Expressions.notEqual(name, value);
      case LT:
        return Expressions.lessThan(name, value);
      case LE:
        return Expressions.lessThanOrEqual(name, value);
      case GT:
        return Expressions.greaterThan(name, value);
      default:
        return Expressions.greaterThanOrEqual(name, value);
    }
  }
}
