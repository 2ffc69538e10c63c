package dev.floe.reader;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.BoundPredicate;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

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
    return refersTo(schema, filter, caseSensitive, ofType(type));
  }

  /**
   * {@code filter} without its predicates on columns of the given type: a filter that every row
   * matching {@code filter} matches too. Negations are pushed down first, so dropping a predicate
   * only ever lets more rows through. Returns {@code filter} itself when it has no such predicate.
   */
  public static Expression withoutPredicatesOn(
      Schema schema, Expression filter, boolean caseSensitive, Type.TypeID type) {
    return without(schema, filter, caseSensitive, ofType(type));
  }

  /**
   * {@code filter} without its predicates on the columns with the given field ids, in the same way
   * as {@link #withoutPredicatesOn(Schema, Expression, boolean, Type.TypeID)}. Returns {@code
   * filter} itself when it has no such predicate.
   */
  public static Expression withoutPredicatesOn(
      Schema schema, Expression filter, boolean caseSensitive, Set<Integer> fieldIds) {
    if (fieldIds.isEmpty()) {
      return filter;
    }
    return without(schema, filter, caseSensitive, field -> fieldIds.contains(field.fieldId()));
  }

  private static Predicate<Types.NestedField> ofType(Type.TypeID type) {
    return field -> field.type().typeId() == type;
  }

  private static boolean refersTo(
      Schema schema,
      Expression filter,
      boolean caseSensitive,
      Predicate<Types.NestedField> columns) {
    return Binder.boundReferences(schema.asStruct(), List.of(filter), caseSensitive).stream()
        .map(schema::findField)
        .anyMatch(found -> found != null && columns.test(found));
  }

  private static Expression without(
      Schema schema,
      Expression filter,
      boolean caseSensitive,
      Predicate<Types.NestedField> columns) {
    if (!refersTo(schema, filter, caseSensitive, columns)) {
      return filter;
    }
    return new WithoutPredicatesOn(schema, caseSensitive, columns)
        .rewrite(Expressions.rewriteNot(filter));
  }

  /** Replaces predicates on some columns by true, in a filter without negations. */
  private static final class WithoutPredicatesOn extends PredicateRewriter {
    private final Schema schema;
    private final boolean caseSensitive;
    private final Predicate<Types.NestedField> columns;

    WithoutPredicatesOn(
        Schema schema, boolean caseSensitive, Predicate<Types.NestedField> columns) {
      this.schema = schema;
      this.caseSensitive = caseSensitive;
      this.columns = columns;
    }

    @Override
    public Expression not(Expression result) {
      throw new IllegalStateException("Cannot drop predicates below a negation: " + result);
    }

    @Override
    public <T> Expression predicate(BoundPredicate<T> pred) {
      // The referenced column, not the term: a transform's result type is not the column's.
      return columns.test(pred.term().ref().field()) ? Expressions.alwaysTrue() : pred;
    }

    @Override
    public <T> Expression predicate(UnboundPredicate<T> pred) {
      return refersTo(schema, pred, caseSensitive, columns) ? Expressions.alwaysTrue() : pred;
    }
  }
}
