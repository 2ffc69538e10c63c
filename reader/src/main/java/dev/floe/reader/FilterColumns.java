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
   * {@code filter} without its predicates on columns of the given types: a filter that every row
   * matching {@code filter} matches too. Negations are pushed down first, so dropping a predicate
   * only ever lets more rows through. Returns {@code filter} itself when it has no such predicate.
   */
  public static Expression withoutPredicatesOn(
      Schema schema, Expression filter, boolean caseSensitive, Type.TypeID... types) {
    return without(schema, filter, caseSensitive, ofType(types));
  }

  /**
   * The filter a scan is planned with (manifests, partitions and file statistics): {@code filter}
   * without its predicates on the columns whose statistics Iceberg 1.11 cannot be trusted with.
   *
   * <ul>
   *   <li>Nanosecond timestamps: Iceberg's ORC writer (1.11 and earlier) stores the lower and upper
   *       bounds of timestamp_ns / timestamptz_ns columns in microseconds, a thousand times too
   *       small (apache/iceberg#16922, fixed after 1.11). The bounds are in the manifests, so files
   *       written before the fix keep them.
   *   <li>UUIDs: Parquet orders UUID statistics as unsigned bytes, while Iceberg's evaluators
   *       compare UUIDs with {@code UUID.compareTo}, which compares signed halves. A file whose
   *       values span both orders is skipped for values it holds ({@code u = X} found nothing in a
   *       one-file table; apache/iceberg#14216).
   * </ul>
   *
   * Such predicates are left to the per-row filter, at the cost of pruning on them.
   */
  public static Expression planningFilter(Schema schema, Expression filter, boolean caseSensitive) {
    return withoutPredicatesOn(
        schema, filter, caseSensitive, Type.TypeID.TIMESTAMP_NANO, Type.TypeID.UUID);
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

  private static Predicate<Types.NestedField> ofType(Type.TypeID... types) {
    Set<Type.TypeID> set = Set.of(types);
    return field -> set.contains(field.type().typeId());
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
