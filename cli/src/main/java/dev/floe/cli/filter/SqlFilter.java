package dev.floe.cli.filter;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.schema.Column;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;

/**
 * Translates a SQL {@code WHERE}-clause text into an Iceberg {@link Expression} for one table
 * schema, with SQL's null semantics.
 *
 * <p>Parsing is JSqlParser's; this class maps comparisons ({@code = != <> < <= > >=}), {@code IS
 * [NOT] NULL}, {@code IS [NOT] TRUE/FALSE}, {@code [NOT] IN (...)}, {@code [NOT] BETWEEN}, {@code
 * [NOT] LIKE 'prefix%'}, {@code isnan(col)}, {@code NOT}, {@code AND}, {@code OR}, bare boolean
 * columns and {@code TRUE}/{@code FALSE}. Literals are numbers, {@code 'strings'}, booleans, {@code
 * DATE '...'}, {@code TIME '...'}, {@code TIMESTAMP '...'} and {@code X'hex'}; each is converted to
 * the type of the column it is compared with (see {@link LiteralConversion}).
 *
 * <p>SQL and Iceberg disagree about nulls: Iceberg's row evaluator orders null before every value,
 * so {@code lessThan("x", 5)} and {@code notEqual("x", 5)} keep rows where x is null, while SQL
 * keeps a row only when the condition is TRUE, never when it is NULL. Each SQL condition is
 * therefore translated into the rows where it is definitely true, guarding comparisons of nullable
 * columns with {@code notNull}; NOT is pushed down by also tracking where a condition is definitely
 * false (three-valued logic).
 */
public final class SqlFilter {
  private static final Pattern LEXICAL_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

  private final String text;
  private final Schema schema;
  private final boolean caseSensitive;

  private SqlFilter(String text, Schema schema, boolean caseSensitive) {
    this.text = text;
    this.schema = schema;
    this.caseSensitive = caseSensitive;
  }

  /**
   * Parses {@code text} against {@code schema}.
   *
   * @throws FilterException for a syntax error, an unsupported construct, an unknown column or a
   *     literal that does not fit its column, naming the token and its position
   */
  public static Expression parse(String text, Schema schema, boolean caseSensitive) {
    requireNonNull(text, "text is null");
    requireNonNull(schema, "schema is null");
    if (text.isBlank()) {
      throw new FilterException("Invalid filter: the filter is empty", 0);
    }
    SqlFilter filter = new SqlFilter(text, schema, caseSensitive);
    return filter.convert(filter.syntax()).whenTrue();
  }

  private net.sf.jsqlparser.expression.Expression syntax() {
    try {
      CCJSqlParser parser = CCJSqlParserUtil.newParser(text);
      net.sf.jsqlparser.expression.Expression parsed = parser.Expression();
      Token next = parser.getNextToken();
      if (next.kind != CCJSqlParserConstants.EOF) {
        throw unexpected(next);
      }
      return parsed;
    } catch (ParseException e) {
      Token bad = e.currentToken == null ? null : e.currentToken.next;
      if (bad == null) {
        throw new FilterException("Invalid filter: cannot parse '" + text + "'", 0);
      }
      throw unexpected(bad);
    } catch (TokenMgrException e) {
      String message = String.valueOf(e.getMessage());
      Matcher where = LEXICAL_POSITION.matcher(message);
      int position = where.find() ? offset(Integer.parseInt(where.group(1)), col(where)) : 0;
      if (message.contains("after prefix \"\\'") && position > 1) {
        // an unterminated string: point at its opening quote, not at the end of the text
        position = text.lastIndexOf('\'', Math.min(position, text.length()) - 1) + 1;
      }
      throw new FilterException(
          "Invalid filter: unterminated string or unexpected character", position);
    }
  }

  private static int col(Matcher where) {
    return Integer.parseInt(where.group(2));
  }

  private FilterException unexpected(Token token) {
    if (token.kind == CCJSqlParserConstants.EOF) {
      return new FilterException("Invalid filter: unexpected end of filter", text.length() + 1);
    }
    return new FilterException(
        "Invalid filter: unexpected '" + token.image + "'",
        offset(token.beginLine, token.beginColumn));
  }

  /** Where a condition is definitely TRUE and where it is definitely FALSE (SQL logic). */
  private record Truth(Expression whenTrue, Expression whenFalse) {
    Truth negate() {
      return new Truth(whenFalse, whenTrue);
    }
  }

  private Truth convert(net.sf.jsqlparser.expression.Expression node) {
    if (node instanceof AndExpression and) {
      Truth left = convert(and.getLeftExpression());
      Truth right = convert(and.getRightExpression());
      return new Truth(
          Expressions.and(left.whenTrue(), right.whenTrue()),
          Expressions.or(left.whenFalse(), right.whenFalse()));
    } else if (node instanceof OrExpression or) {
      Truth left = convert(or.getLeftExpression());
      Truth right = convert(or.getRightExpression());
      return new Truth(
          Expressions.or(left.whenTrue(), right.whenTrue()),
          Expressions.and(left.whenFalse(), right.whenFalse()));
    } else if (node instanceof NotExpression not) {
      return convert(not.getExpression()).negate();
    } else if (node instanceof Parenthesis parenthesis) {
      return convert(parenthesis.getExpression());
    } else if (node instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
      return convert(list.get(0));
    } else if (node instanceof ComparisonOperator comparison) {
      return comparison(comparison);
    } else if (node instanceof IsNullExpression isNull) {
      return isNull(isNull);
    } else if (node instanceof IsBooleanExpression isBoolean) {
      return isBoolean(isBoolean);
    } else if (node instanceof InExpression in) {
      return in(in);
    } else if (node instanceof Between between) {
      return between(between);
    } else if (node instanceof LikeExpression like) {
      return like(like);
    } else if (node instanceof Column column) {
      return isTrue(column(column), column);
    } else if (node instanceof BooleanValue value) {
      return value.getValue()
          ? new Truth(Expressions.alwaysTrue(), Expressions.alwaysFalse())
          : new Truth(Expressions.alwaysFalse(), Expressions.alwaysTrue());
    } else if (node instanceof Function function) {
      return function(function);
    }
    throw unsupported(node);
  }

  private Truth comparison(ComparisonOperator comparison) {
    Comparison op = Comparison.of(comparison.getStringExpression());
    if (op == null) {
      throw unsupported(comparison);
    }
    net.sf.jsqlparser.expression.Expression left = comparison.getLeftExpression();
    net.sf.jsqlparser.expression.Expression right = comparison.getRightExpression();
    if (!(left instanceof Column) && right instanceof Column) {
      return comparison(op.flip(), (Column) right, left, comparison);
    } else if (left instanceof Column column) {
      return comparison(op, column, right, comparison);
    }
    throw new FilterException(
        "Invalid filter: '" + comparison + "'",
        position(comparison),
        "a comparison needs a column on one side");
  }

  private Truth comparison(
      Comparison op,
      Column columnNode,
      net.sf.jsqlparser.expression.Expression literalNode,
      net.sf.jsqlparser.expression.Expression whole) {
    Types.NestedField column = column(columnNode);
    Object value = value(literalNode, column, whole);
    return guarded(
        column, op.toIceberg(column.name(), value), op.negate().toIceberg(column.name(), value));
  }

  private Truth isNull(IsNullExpression isNull) {
    Types.NestedField column = columnOperand(isNull.getLeftExpression(), isNull);
    Expression nullRows = Expressions.isNull(column.name());
    Expression valueRows = Expressions.notNull(column.name());
    Truth truth = new Truth(nullRows, valueRows);
    return isNull.isNot() ? truth.negate() : truth;
  }

  private Truth isBoolean(IsBooleanExpression isBoolean) {
    Types.NestedField column = columnOperand(isBoolean.getLeftExpression(), isBoolean);
    requireBoolean(column, isBoolean);
    // x IS TRUE is never NULL: false when x is false or null
    Expression matches = Expressions.equal(column.name(), isBoolean.isTrue());
    Expression other =
        Expressions.or(
            Expressions.isNull(column.name()),
            Expressions.equal(column.name(), !isBoolean.isTrue()));
    Truth truth = new Truth(matches, other);
    return isBoolean.isNot() ? truth.negate() : truth;
  }

  /** A bare boolean column: TRUE where it is true. */
  private Truth isTrue(Types.NestedField column, Column node) {
    requireBoolean(column, node);
    return guarded(
        column, Expressions.equal(column.name(), true), Expressions.equal(column.name(), false));
  }

  private Truth in(InExpression in) {
    Types.NestedField column = columnOperand(in.getLeftExpression(), in);
    if (!(in.getRightExpression() instanceof ExpressionList<?> list)) {
      throw new FilterException(
          "Invalid filter: '" + in.getRightExpression() + "'",
          position(in.getRightExpression(), in),
          "IN needs a list of literals, like id IN (1, 2, 3)");
    }
    if (list.isEmpty()) {
      throw new FilterException(
          "Invalid filter: IN ()", position(in), "IN needs at least one value");
    }
    List<Object> values = new ArrayList<>();
    boolean listHasNull = false;
    for (net.sf.jsqlparser.expression.Expression item : list) {
      if (item instanceof NullValue) {
        listHasNull = true;
      } else {
        values.add(value(item, column, in));
      }
    }
    Expression member = values.isEmpty() ? Expressions.alwaysFalse() : inList(column, values);
    // x NOT IN (1, NULL) is never TRUE in SQL: x <> NULL is unknown
    Expression nonMember =
        listHasNull || values.isEmpty()
            ? Expressions.alwaysFalse()
            : Expressions.notIn(column.name(), values);
    Truth truth = guarded(column, member, nonMember);
    return in.isNot() ? truth.negate() : truth;
  }

  private static Expression inList(Types.NestedField column, List<Object> values) {
    return values.size() == 1
        ? Expressions.equal(column.name(), values.get(0))
        : Expressions.in(column.name(), values);
  }

  private Truth between(Between between) {
    Types.NestedField column = columnOperand(between.getLeftExpression(), between);
    Object low = value(between.getBetweenExpressionStart(), column, between);
    Object high = value(between.getBetweenExpressionEnd(), column, between);
    String name = column.name();
    Truth truth =
        guarded(
            column,
            Expressions.and(
                Expressions.greaterThanOrEqual(name, low), Expressions.lessThanOrEqual(name, high)),
            Expressions.or(Expressions.lessThan(name, low), Expressions.greaterThan(name, high)));
    return between.isNot() ? truth.negate() : truth;
  }

  private Truth like(LikeExpression like) {
    if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE || like.getEscape() != null) {
      throw unsupported(like);
    }
    Types.NestedField column = columnOperand(like.getLeftExpression(), like);
    SqlLiteral pattern = SqlLiteral.of(like.getRightExpression());
    if (column.type().typeId() != org.apache.iceberg.types.Type.TypeID.STRING
        || pattern == null
        || pattern.kind() != SqlLiteral.Kind.STRING) {
      throw new FilterException(
          "Invalid filter: '" + like + "'",
          position(like),
          "LIKE compares a string column with a 'pattern'");
    }
    String text = pattern.text();
    String prefix = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
    if (prefix.contains("%") || prefix.contains("_")) {
      throw new FilterException(
          "Invalid filter: " + pattern.display(),
          position(like.getRightExpression(), like),
          "LIKE supports only 'prefix%' patterns (no _ and no inner %)");
    }
    String name = column.name();
    Truth truth =
        text.endsWith("%")
            ? guarded(
                column,
                Expressions.startsWith(name, prefix),
                Expressions.notStartsWith(name, prefix))
            : guarded(column, Expressions.equal(name, prefix), Expressions.notEqual(name, prefix));
    return like.isNot() ? truth.negate() : truth;
  }

  private Truth function(Function function) {
    String name = function.getName().toLowerCase(Locale.ROOT);
    ExpressionList<?> parameters = function.getParameters();
    if (name.equals("isnan") && parameters != null && parameters.size() == 1) {
      Types.NestedField column = columnOperand(parameters.get(0), function);
      org.apache.iceberg.types.Type.TypeID type = column.type().typeId();
      if (type != org.apache.iceberg.types.Type.TypeID.FLOAT
          && type != org.apache.iceberg.types.Type.TypeID.DOUBLE) {
        throw new FilterException(
            "Invalid filter: '" + function + "'",
            position(function),
            "isnan() needs a float or double column; " + column.name() + " is " + column.type());
      }
      return guarded(column, Expressions.isNaN(column.name()), Expressions.notNaN(column.name()));
    }
    throw unsupported(function);
  }

  /** Adds SQL's "a comparison with NULL is unknown" to both sides of a nullable column's test. */
  private static Truth guarded(
      Types.NestedField column, Expression whenTrue, Expression whenFalse) {
    if (column.isRequired()) {
      return new Truth(whenTrue, whenFalse);
    }
    Expression present = Expressions.notNull(column.name());
    return new Truth(Expressions.and(present, whenTrue), Expressions.and(present, whenFalse));
  }

  private void requireBoolean(
      Types.NestedField column, net.sf.jsqlparser.expression.Expression node) {
    if (column.type().typeId() != org.apache.iceberg.types.Type.TypeID.BOOLEAN) {
      throw new FilterException(
          "Invalid filter: column " + column.name(),
          node == null ? 0 : position(node),
          "it is " + column.type() + ", not boolean");
    }
  }

  private Types.NestedField columnOperand(
      net.sf.jsqlparser.expression.Expression operand,
      net.sf.jsqlparser.expression.Expression whole) {
    if (operand instanceof Column column) {
      return column(column);
    }
    throw new FilterException(
        "Invalid filter: '" + operand + "'", position(operand, whole), "expected a column name");
  }

  private Types.NestedField column(Column column) {
    String name = name(column);
    Types.NestedField field =
        caseSensitive ? schema.findField(name) : schema.caseInsensitiveFindField(name);
    if (field == null) {
      throw new FilterException(
          "Invalid filter: unknown column '" + name + "'",
          position(column),
          (column.getColumnName().startsWith("\"")
                  ? "double quotes name a column, write string literals in single quotes; "
                  : "")
              + "columns are "
              + schema.columns().stream()
                  .map(Types.NestedField::name)
                  .collect(Collectors.joining(", ")));
    }
    // the schema's own spelling, so a case-insensitive match binds in a case-sensitive scan
    String canonical = schema.findColumnName(field.fieldId());
    return canonical.equals(field.name())
        ? field
        : Types.NestedField.of(
            field.fieldId(), field.isOptional(), canonical, field.type(), field.doc());
  }

  private static String name(Column column) {
    String name = unquote(column.getColumnName());
    if (column.getTable() != null && column.getTable().getFullyQualifiedName() != null) {
      String table = column.getTable().getFullyQualifiedName();
      StringBuilder qualified = new StringBuilder();
      for (String part : table.split("\\.")) {
        qualified.append(unquote(part)).append('.');
      }
      name = qualified + name;
    }
    return name;
  }

  private static String unquote(String identifier) {
    if (identifier.length() >= 2) {
      char first = identifier.charAt(0);
      char last = identifier.charAt(identifier.length() - 1);
      if ((first == '"' && last == '"') || (first == '`' && last == '`')) {
        return identifier.substring(1, identifier.length() - 1);
      }
    }
    return identifier;
  }

  private Object value(
      net.sf.jsqlparser.expression.Expression node,
      Types.NestedField column,
      net.sf.jsqlparser.expression.Expression whole) {
    if (node instanceof NullValue) {
      throw new FilterException(
          "Invalid filter: NULL",
          position(node, whole),
          "a comparison with NULL is never true; use " + column.name() + " IS NULL");
    }
    if (node instanceof Column other) {
      throw new FilterException(
          "Invalid filter: '" + name(other) + "'",
          position(node, whole),
          "cannot compare column "
              + column.name()
              + " with another column, only with a literal"
              + (other.getColumnName().startsWith("\"")
                  ? " (write string literals in single quotes)"
                  : ""));
    }
    SqlLiteral literal = SqlLiteral.of(node);
    if (literal == null) {
      throw new FilterException(
          "Invalid filter: '" + node + "'", position(node, whole), "expected a literal");
    }
    try {
      return LiteralConversion.convert(literal, column);
    } catch (IllegalArgumentException e) {
      throw new FilterException(
          "Invalid filter: " + literal.display(),
          position(node, whole),
          String.format(
              "it does not fit column %s (%s): %s", column.name(), column.type(), e.getMessage()));
    }
  }

  private FilterException unsupported(net.sf.jsqlparser.expression.Expression node) {
    return new FilterException(
        "Invalid filter: '" + node + "'",
        position(node),
        "not supported; use comparisons, IS [NOT] NULL, IN, BETWEEN, LIKE 'prefix%', isnan(),"
            + " NOT, AND, OR");
  }

  private int position(
      net.sf.jsqlparser.expression.Expression node,
      net.sf.jsqlparser.expression.Expression fallback) {
    int position = position(node);
    return position > 0 ? position : position(fallback);
  }

  /** 1-based offset in the text of the node's first token, or 0 if JSqlParser kept none. */
  private int position(net.sf.jsqlparser.expression.Expression node) {
    SimpleNode ast = node == null ? null : node.getASTNode();
    if (ast != null && ast.jjtGetFirstToken() != null) {
      Token first = ast.jjtGetFirstToken();
      return offset(first.beginLine, first.beginColumn);
    }
    if (node instanceof ComparisonOperator comparison) {
      return position(comparison.getLeftExpression());
    }
    return 0;
  }

  /** The 1-based character offset of a 1-based (line, column) in the text. */
  private int offset(int line, int column) {
    int start = 0;
    for (int current = 1; current < line; current++) {
      int newline = text.indexOf('\n', start);
      if (newline < 0) {
        break;
      }
      start = newline + 1;
    }
    return start + column;
  }

  /** The comparison operators, with how they flip (literal on the left) and negate. */
  private enum Comparison {
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
}
