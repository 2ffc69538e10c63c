package dev.floe.scan;

import static java.util.Objects.requireNonNull;

import dev.floe.reader.PredicateRewriter;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
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
        guarded = Expressions.and(Expressions.notNaN(name), guarded);
      }
      if (field.isOptional() || !schema.columns().contains(field)) {
        guarded =
            Expressions.and(Expressions.notNull(name), guarded); // nested: a parent may be null
      }
      return guarded;
    }
  }
}
