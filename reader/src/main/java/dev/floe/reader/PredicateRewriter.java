package dev.floe.reader;

import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.Expressions;

/**
 * Rebuilds a filter with its predicates rewritten one by one and its structure ({@code and}, {@code
 * or}, {@code not}, constants) kept; a subclass says what becomes of an unbound predicate. Bound
 * predicates are kept as they are unless a subclass overrides {@link #predicate(BoundPredicate)}.
 */
public abstract class PredicateRewriter extends ExpressionVisitors.ExpressionVisitor<Expression> {
  /** The rewritten {@code filter}. */
  public Expression rewrite(Expression filter) {
    return ExpressionVisitors.visit(filter, this);
  }

  @Override
  public Expression alwaysTrue() {
    return Expressions.alwaysTrue();
  }

  @Override
  public Expression alwaysFalse() {
    return Expressions.alwaysFalse();
  }

  @Override
  public Expression not(Expression result) {
    return Expressions.not(result);
  }

  @Override
  public Expression and(Expression left, Expression right) {
    return Expressions.and(left, right);
  }

  @Override
  public Expression or(Expression left, Expression right) {
    return Expressions.or(left, right);
  }

  @Override
  public <T> Expression predicate(BoundPredicate<T> pred) {
    return pred;
  }
}
