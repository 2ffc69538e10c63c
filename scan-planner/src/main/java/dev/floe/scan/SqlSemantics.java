package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.PredicateRewriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Gives a filter the semantics of SQL's {@code WHERE}: a comparison ({@code =, !=, <, <=, >, >=,
 * in, notIn, startsWith, notStartsWith}) never matches null, nor NaN; {@code not} of an unknown
 * result is unknown, so it does not match either; {@code isNull}, {@code notNull}, {@code isNaN}
 * and {@code notNaN} keep Iceberg's meaning.
 *
 * <p>Iceberg's row {@code Evaluator} orders null before every value and NaN after every value, so
 * on its own {@code lessThan("x", 5)} matches null and {@code notEqual("x", 5)} matches null and
 * NaN, while Iceberg's metrics pruning treats both as not matching: which rows come back would
 * depend on how the table is cut into files. The rewrite pushes negations down to the predicates
 * and guards each comparison with {@code notNull} (and {@code notNaN} on float and double columns).
 * The result is monotone in its predicates, so a row matches it exactly when SQL's three-valued
 * logic says the original filter is true; Iceberg's pruning and its row evaluator then agree on the
 * guarded filter.
 *
 * <p>SQL compares floating-point numbers by value, so {@code -0.0 = 0.0} and {@code -0.0 >= 0};
 * Iceberg orders them ({@code Double.compare}: -0.0 below 0.0) in its row evaluator and in its
 * metrics pruning alike. A comparison with a zero of either sign is therefore rewritten to the
 * ordered comparison that means the same: {@code x >= 0} becomes {@code x >= -0.0}, {@code x > 0}
 * becomes {@code x > 0.0}, {@code x = 0} becomes {@code x in (-0.0, 0.0)}, and so on.
 */
public final class SqlSemantics {
  private static final Set<Expression.Operation> COMPARISONS =
      Set.of(
          Expression.Operation.LT,
          Expression.Operation.LT_EQ,
          Expression.Operation.GT,
          Expression.Operation.GT_EQ,
          Expression.Operation.EQ,
          Expression.Operation.NOT_EQ,
          Expression.Operation.IN,
          Expression.Operation.NOT_IN,
          Expression.Operation.STARTS_WITH,
          Expression.Operation.NOT_STARTS_WITH);

  private SqlSemantics() {}

  /**
   * {@code filter} rewritten to match exactly the rows SQL would return for it.
   *
   * @param schema the schema the filter is bound to (to find the float and double columns)
   */
  public static Expression of(Schema schema, Expression filter, boolean caseSensitive) {
    requireNonNull(schema, "schema is null");
    requireNonNull(filter, "filter is null");
    if (filter.op() == Expression.Operation.TRUE || filter.op() == Expression.Operation.FALSE) {
      return filter;
    }
    // filters are built unbound; a bound predicate keeps its own semantics
    return new Guard(schema, caseSensitive).rewrite(Expressions.rewriteNot(filter));
  }

  private static final class Guard extends PredicateRewriter {
    private final Schema schema;
    private final boolean caseSensitive;

    Guard(Schema schema, boolean caseSensitive) {
      this.schema = schema;
      this.caseSensitive = caseSensitive;
    }

    @Override
    public Expression not(Expression result) {
      throw new IllegalStateException("Negations are pushed down first: " + result);
    }

    @Override
    public <T> Expression predicate(UnboundPredicate<T> pred) {
      if (!COMPARISONS.contains(pred.op())) {
        return pred;
      }
      String name = pred.ref().name();
      Types.NestedField field =
          caseSensitive ? schema.findField(name) : schema.caseInsensitiveFindField(name);
      if (field == null) {
        return pred; // binding reports the unknown column
      }
      Expression guarded = pred;
      Type.TypeID type = field.type().typeId();
      if (type == Type.TypeID.FLOAT || type == Type.TypeID.DOUBLE) {
        guarded = Expressions.and(Expressions.notNaN(name), bothZeros(name, pred));
      }
      if (field.isOptional() || !schema.columns().contains(field)) {
        guarded =
            Expressions.and(Expressions.notNull(name), guarded); // nested: a parent may be null
      }
      return guarded;
    }

    /** A float or double comparison in which a zero stands for both -0.0 and 0.0. */
    private static <T> Expression bothZeros(String name, UnboundPredicate<T> pred) {
      List<Double> values = new ArrayList<>();
      boolean zero = false;
      for (Literal<T> literal : pred.literals()) {
        if (!(literal.value() instanceof Number number)) {
          return pred; // binding reports a literal of the wrong type
        }
        double value = number.doubleValue();
        zero |= value == 0.0;
        values.add(value);
      }
      if (!zero) {
        return pred;
      }
      switch (pred.op()) {
        case LT:
          return Expressions.lessThan(name, -0.0);
        case LT_EQ:
          return Expressions.lessThanOrEqual(name, 0.0);
        case GT:
          return Expressions.greaterThan(name, 0.0);
        case GT_EQ:
          return Expressions.greaterThanOrEqual(name, -0.0);
        case EQ:
          return Expressions.in(name, -0.0, 0.0);
        case NOT_EQ:
          return Expressions.notIn(name, -0.0, 0.0);
        case IN:
        case NOT_IN:
          Set<Double> set = new LinkedHashSet<>();
          for (double value : values) {
            if (value == 0.0) {
              set.add(-0.0);
              set.add(0.0);
            } else {
              set.add(value);
            }
          }
          Double[] all = set.toArray(new Double[0]);
          return pred.op() == Expression.Operation.IN
              ? Expressions.in(name, (Object[]) all)
              : Expressions.notIn(name, (Object[]) all);
        default:
          return pred;
      }
    }
  }
}
