package dev.floe.scan.oracle;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The tiny Spark SQL {@code WHERE} texts of the oracle's meta files: {@code col OP integer}, {@code
 * col = 'string'}, {@code col IS [NOT] NULL}, joined with {@code AND}. Translates one to an Iceberg
 * expression for Floe, and evaluates it with SQL semantics (a comparison with NULL is false) on an
 * expected line, so that the test can tell which expected rows a filter keeps.
 */
final class SparkWhere {
  private static final Pattern NULL_TEST =
      Pattern.compile("(\\w+)\\s+IS\\s+(NOT\\s+)?NULL", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMPARISON =
      Pattern.compile("(\\w+)\\s*(<=|>=|<>|!=|=|<|>)\\s*(-?\\d+|'(?:[^']|'')*')");
  private static final Pattern AND = Pattern.compile("\\s+AND\\s+", Pattern.CASE_INSENSITIVE);

  private final String sql;
  private final List<Term> terms;

  private SparkWhere(String sql, List<Term> terms) {
    this.sql = sql;
    this.terms = terms;
  }

  static SparkWhere parse(String sql) {
    List<Term> terms = new ArrayList<>();
    for (String part : AND.split(sql.trim())) {
      Matcher nullTest = NULL_TEST.matcher(part.trim());
      Matcher comparison = COMPARISON.matcher(part.trim());
      if (nullTest.matches()) {
        terms.add(
            new Term(nullTest.group(1), nullTest.group(2) == null ? "IS NULL" : "NOT NULL", null));
      } else if (comparison.matches()) {
        String literal = comparison.group(3);
        Object value =
            literal.startsWith("'")
                ? literal.substring(1, literal.length() - 1).replace("''", "'")
                : (Object) Long.parseLong(literal);
        terms.add(new Term(comparison.group(1), comparison.group(2), value));
      } else {
        throw new IllegalArgumentException("Cannot translate Spark WHERE term: " + part);
      }
    }
    return new SparkWhere(sql, terms);
  }

  /** The columns the condition reads. */
  Set<String> columns() {
    Set<String> columns = new TreeSet<>();
    terms.forEach(term -> columns.add(term.column));
    return columns;
  }

  Expression toExpression() {
    Expression result = Expressions.alwaysTrue();
    for (Term term : terms) {
      result = Expressions.and(result, term.toExpression());
    }
    return result;
  }

  /** Whether Spark keeps the row whose canonical members are {@code members}. */
  boolean matches(Map<String, String> members) {
    for (Term term : terms) {
      String raw = members.get(term.column);
      if (raw == null) {
        throw new IllegalArgumentException("Cannot evaluate " + sql + ": no column " + term.column);
      }
      if (!term.matches(raw)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return sql;
  }

  private static final class Term {
    private final String column;
    private final String op;
    private final Object value;

    Term(String column, String op, Object value) {
      this.column = column;
      this.op = op;
      this.value = value;
    }

    Expression toExpression() {
      switch (op) {
        case "IS NULL":
          return Expressions.isNull(column);
        case "NOT NULL":
          return Expressions.notNull(column);
        case "<":
          return Expressions.lessThan(column, value);
        case "<=":
          return Expressions.lessThanOrEqual(column, value);
        case ">":
          return Expressions.greaterThan(column, value);
        case ">=":
          return Expressions.greaterThanOrEqual(column, value);
        case "=":
          return Expressions.equal(column, value);
        default:
          return Expressions.notEqual(column, value);
      }
    }

    boolean matches(String raw) {
      boolean isNull = raw.equals("null");
      if (op.equals("IS NULL")) {
        return isNull;
      }
      if (op.equals("NOT NULL")) {
        return !isNull;
      }
      if (isNull) {
        return false;
      }
      int cmp;
      if (value instanceof String) {
        cmp = JsonLine.decodeString(raw).compareTo((String) value);
      } else {
        if (raw.startsWith("\"")) {
          throw new IllegalArgumentException(
              "Cannot compare " + column + " = " + raw + " with a number");
        }
        cmp = new BigDecimal(raw).compareTo(BigDecimal.valueOf((Long) value));
      }
      switch (op) {
        case "<":
          return cmp < 0;
        case "<=":
          return cmp <= 0;
        case ">":
          return cmp > 0;
        case ">=":
          return cmp >= 0;
        case "=":
          return cmp == 0;
        default:
          return cmp != 0;
      }
    }
  }
}
