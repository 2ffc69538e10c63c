package dev.floe.delete;

import dev.floe.reader.PredicateRewriter;
import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.UnboundPredicate;

/**
 * Rewrites {@code in} / {@code notIn} predicates so that Iceberg 1.11's {@code Evaluator} does not
 * throw on a null value: it looks the value up in the literal set, and the set of a string column
 * ({@code CharSequenceSet}) rejects null with a NullPointerException. {@code in(x, S)} becomes
 * {@code notNull(x) and in(x, S)}, {@code notIn(x, S)} becomes {@code isNull(x) or notIn(x, S)};
 * the Evaluator stops at the left side when it decides, so the set never sees a null. A null is
 * then in no set, as in later Iceberg (apache/iceberg#17014): {@code in} is false and {@code notIn}
 * true, like {@code equal} / {@code notEqual}.
 */
final class NullSafeIn extends PredicateRewriter {
  private static final NullSafeIn INSTANCE = new NullSafeIn();

  private NullSafeIn() {}

  static Expression nullSafe(Expression filter) {
    return INSTANCE.rewrite(filter);
  }

  @Override
  public <T> Expression predicate(UnboundPredicate<T> pred) {
    switch (pred.op()) {
      case IN:
        return Expressions.and(Expressions.notNull(pred.term()), pred);
      case NOT_IN:
        return Expressions.or(Expressions.isNull(pred.term()), pred);
      default:
        return pred;
    }
  }

  @Override
  public <T> Expression predicate(BoundPredicate<T> pred) {
    return pred; // residuals are unbound; the Evaluator cannot take a bound filter anyway
  }
}
