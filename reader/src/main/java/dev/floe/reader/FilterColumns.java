package dev.floe.reader;

import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.types.Type;

/** What a filter refers to. */
public final class FilterColumns {
  private FilterColumns() {}

  /**
   * Whether {@code filter} refers to a column of {@code schema} of the given type.
   *
   * @throws org.apache.iceberg.exceptions.ValidationException if the filter does not bind to the
   *     schema
   */
  public static boolean refersToType(
      Schema schema, Expression filter, boolean caseSensitive, Type.TypeID type) {
    return Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive).stream()
        .map(schema::findType)
        .anyMatch(found -> found != null && found.typeId() == type);
  }

  /**
   * {@code filter} without its predicates on columns of the given type: a filter that every row
   * matching {@code filter} matches too. Negations are pushed down first, so dropping a predicate
   * only ever lets more rows through. Returns {@code filter} itself when it has no such predicate.
   */
  public static Expression withoutPredicatesOn(
      Schema schema, Expression filter, boolean caseSensitive, Type.TypeID type) {
    if (!refersToType(schema, filter, caseSensitive, type)) {
      return filter;
    }
    return ExpressionVisitors.visit(
        Expressions.rewriteNot(filter), new WithoutPredicatesOn(schema, caseSensitive, type));
  }

  /** Replaces predicates on columns of one type by true, in a filter without negations. */
  private static final class WithoutPredicatesOn
      extends ExpressionVisitors.ExpressionVisitor<Expression> {
    private final Schema schema;
    private final boolean caseSensitive;
    private final Type.TypeID type;

    WithoutPredicatesOn(Schema schema, boolean caseSensitive, Type.TypeID type) {
      this.schema = schema;
      this.caseSensitive = caseSensitive;
      this.type = type;
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
      throw new IllegalStateException("Cannot drop predicates below a negation: " + result);
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
      return pred.term().type().typeId() == type ? Expressions.alwaysTrue() : pred;
    }

    @Override
    public <T> Expression predicate(UnboundPredicate<T> pred) {
      return refersToType(schema, pred, caseSensitive, type) ? Expressions.alwaysTrue() : pred;
    }
  }
}
