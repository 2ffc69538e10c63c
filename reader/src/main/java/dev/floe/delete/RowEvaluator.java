package dev.floe.delete;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Bound;
import org.apache.iceberg.expressions.BoundReference;
import org.apache.iceberg.expressions.BoundTransform;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.NaNUtil;

/**
 * Evaluates a filter on rows as Iceberg's {@code Evaluator} does, except that a field inside a null
 * struct reads as null, as in SQL ({@code st.a} of a row whose {@code st} is null is null, so
 * {@code st.a IS NULL} holds and {@code st.a > 3} does not). Iceberg's accessors assume every
 * enclosing struct is present and fail on a null one. UUIDs are ordered as unsigned bytes, as in
 * SQL, not as Iceberg orders them (signed halves). A comparison with a null value is false, as the
 * scan's SQL-semantics rewrite has already made it (its {@code notNull} guards). Not thread safe.
 */
final class RowEvaluator extends ExpressionVisitors.BoundVisitor<Boolean> {
  private static final Comparator<UUID> UNSIGNED_UUIDS =
      Comparator.comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
          .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

  private final Expression bound;

  /** For each field reachable through structs only, its positions from the row down. */
  private final Map<Integer, int[]> paths = new HashMap<>();

  private StructLike row;

  RowEvaluator(Types.StructType struct, Expression filter, boolean caseSensitive) {
    this.bound = Binder.bind(struct, filter, caseSensitive);
    index(struct, new int[0]);
  }

  private void index(Types.StructType struct, int[] parent) {
    for (int i = 0; i < struct.fields().size(); i++) {
      Types.NestedField field = struct.fields().get(i);
      int[] path = java.util.Arrays.copyOf(parent, parent.length + 1);
      path[parent.length] = i;
      paths.put(field.fieldId(), path);
      if (field.type().isStructType()) {
        index(field.type().asStructType(), path);
      }
    }
  }

  boolean eval(StructLike newRow) {
    this.row = newRow;
    return ExpressionVisitors.visitEvaluator(bound, this);
  }

  @SuppressWarnings("unchecked")
  private <T> T value(Bound<T> term) {
    if (term instanceof BoundReference) {
      return (T) field(((BoundReference<?>) term).fieldId());
    }
    if (term instanceof BoundTransform) {
      BoundTransform<Object, T> transform = (BoundTransform<Object, T>) term;
      int[] path = paths.get(transform.ref().fieldId());
      if (path != null && path.length > 1) {
        Object value = field(transform.ref().fieldId());
        return transform.transform().bind(transform.ref().type()).apply(value);
      }
    }
    return term.eval(row);
  }

  private Object field(int fieldId) {
    int[] path = paths.get(fieldId);
    if (path == null) {
      throw new IllegalStateException("Cannot evaluate field " + fieldId + ": not in the row");
    }
    StructLike struct = row;
    for (int i = 0; i < path.length - 1; i++) {
      struct = struct.get(path[i], StructLike.class);
      if (struct == null) {
        return null;
      }
    }
    return struct.get(path[path.length - 1], Object.class);
  }

  /**
   * The literal's comparator, except for UUIDs: those compare as SQL engines and the Parquet format
   * order them, as unsigned 16-byte big-endian values, not as {@code UUID.compareTo} (and Iceberg's
   * literal) does, with signed halves.
   */
  @SuppressWarnings("unchecked")
  private static <T> Comparator<T> comparator(Literal<T> literal) {
    return literal.value() instanceof UUID ? (Comparator<T>) UNSIGNED_UUIDS : literal.comparator();
  }

  @Override
  public Boolean alwaysTrue() {
    return true;
  }

  @Override
  public Boolean alwaysFalse() {
    return false;
  }

  @Override
  public Boolean not(Boolean result) {
    return !result;
  }

  @Override
  public Boolean and(Boolean left, Boolean right) {
    return left && right;
  }

  @Override
  public Boolean or(Boolean left, Boolean right) {
    return left || right;
  }

  @Override
  public <T> Boolean isNull(Bound<T> term) {
    return value(term) == null;
  }

  @Override
  public <T> Boolean notNull(Bound<T> term) {
    return value(term) != null;
  }

  @Override
  public <T> Boolean isNaN(Bound<T> term) {
    T value = value(term);
    return value != null && NaNUtil.isNaN(value);
  }

  @Override
  public <T> Boolean notNaN(Bound<T> term) {
    return !isNaN(term);
  }

  @Override
  public <T> Boolean lt(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && comparator(literal).compare(value, literal.value()) < 0;
  }

  @Override
  public <T> Boolean ltEq(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && comparator(literal).compare(value, literal.value()) <= 0;
  }

  @Override
  public <T> Boolean gt(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && comparator(literal).compare(value, literal.value()) > 0;
  }

  @Override
  public <T> Boolean gtEq(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && comparator(literal).compare(value, literal.value()) >= 0;
  }

  @Override
  public <T> Boolean eq(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && comparator(literal).compare(value, literal.value()) == 0;
  }

  @Override
  public <T> Boolean notEq(Bound<T> term, Literal<T> literal) {
    return !eq(term, literal);
  }

  @Override
  public <T> Boolean in(Bound<T> term, Set<T> literals) {
    T value = value(term);
    return value != null && literals.contains(value);
  }

  @Override
  public <T> Boolean notIn(Bound<T> term, Set<T> literals) {
    return !in(term, literals);
  }

  @Override
  public <T> Boolean startsWith(Bound<T> term, Literal<T> literal) {
    T value = value(term);
    return value != null && value.toString().startsWith(literal.value().toString());
  }

  @Override
  public <T> Boolean notStartsWith(Bound<T> term, Literal<T> literal) {
    return !startsWith(term, literal);
  }
}
