package dev.floe.reader.orc;

import static java.util.Objects.requireNonNull;

import dev.floe.arrow.ArrowSchemas;
import dev.floe.arrow.ConstantColumn;
import dev.floe.arrow.Vectors;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.types.Types;
import org.apache.orc.TypeDescription;
import org.apache.orc.storage.ql.exec.vector.ColumnVector;
import org.apache.orc.storage.ql.exec.vector.ListColumnVector;
import org.apache.orc.storage.ql.exec.vector.MapColumnVector;
import org.apache.orc.storage.ql.exec.vector.StructColumnVector;

/**
 * Converters of ORC structs, lists and maps into Arrow {@link StructVector}, {@link ListVector} and
 * {@code MapVector}, recursively, appending at a row offset so that several ORC row batches fill
 * one Arrow batch: a list's elements continue after those of the rows already in the Arrow batch.
 *
 * <p>ORC marks a whole nested column null by making it repeating (a struct or list missing from the
 * file, or all null in the row batch); its children are then not read at all and hold stale values,
 * so they are written as nulls here instead of being converted. Otherwise a null struct row has
 * null children (ORC propagates the parent's nulls to them) and a null list or map row's offsets
 * are never looked at. A list's elements are converted in runs of contiguous ORC child positions,
 * so any offsets ORC hands over (also a repeating non-null list) convert correctly.
 *
 * <p>Child vectors grow to the elements actually in the batch, never to a guessed density.
 */
final class OrcNestedConverters {
  private OrcNestedConverters() {}

  static OrcColumnConverter struct(
      TypeDescription orcType, Types.StructType type, Set<Integer> pruned) {
    List<Types.NestedField> fields = type.fields();
    OrcColumnConverter[] children = new OrcColumnConverter[fields.size()];
    int[] orcIndexes = new int[fields.size()];
    DefaultFill[] defaults = new DefaultFill[fields.size()];
    List<TypeDescription> orcChildren = orcType.getChildren();
    int next = 0;
    for (int j = 0; j < fields.size(); j++) {
      Types.NestedField field = fields.get(j);
      if (pruned.contains(field.fieldId())) {
        orcIndexes[j] = -1;
        defaults[j] = new DefaultFill(field);
        // Only asked for nulls (when its struct is null); defaults are primitives.
        children[j] = OrcColumnConverter.create(null, field, pruned);
      } else {
        orcIndexes[j] = next;
        children[j] = OrcColumnConverter.create(orcChildren.get(next), field, pruned);
        next++;
      }
    }
    if (next != orcChildren.size()) {
      throw new IllegalStateException(
          String.format("Cannot map ORC struct %s onto Iceberg struct %s", orcType, type));
    }
    return new StructConverter(children, orcIndexes, defaults);
  }

  static OrcColumnConverter list(
      TypeDescription orcType, Types.ListType type, Set<Integer> pruned) {
    Types.NestedField element = type.fields().get(0);
    return new ListConverter(
        OrcColumnConverter.create(orcType.getChildren().get(0), element, pruned));
  }

  static OrcColumnConverter map(TypeDescription orcType, Types.MapType type, Set<Integer> pruned) {
    List<Types.NestedField> fields = type.fields();
    return new MapConverter(
        OrcColumnConverter.create(orcType.getChildren().get(0), fields.get(0), pruned),
        OrcColumnConverter.create(orcType.getChildren().get(1), fields.get(1), pruned));
  }

  /**
   * Flattens every repeating primitive vector in the tree of {@code vector} ({@code size} entries)
   * so the primitive converters can index it directly, and adds it to {@code flattened} for {@link
   * ColumnVector#unFlatten()} once the row batch is used up. Nested vectors are not flattened
   * (their converters handle repetition); the children of an all-null one are left alone.
   */
  static void flattenRepeatingLeaves(ColumnVector vector, int size, List<ColumnVector> flattened) {
    if (vector instanceof StructColumnVector struct) {
      if (!allNull(struct)) {
        for (ColumnVector field : struct.fields) {
          flattenRepeatingLeaves(field, size, flattened);
        }
      }
    } else if (vector instanceof MapColumnVector map) {
      if (!allNull(map)) {
        flattenRepeatingLeaves(map.keys, map.childCount, flattened);
        flattenRepeatingLeaves(map.values, map.childCount, flattened);
      }
    } else if (vector instanceof ListColumnVector list) {
      if (!allNull(list)) {
        flattenRepeatingLeaves(list.child, list.childCount, flattened);
      }
    } else if (vector.isRepeating) {
      vector.flatten(false, null, size);
      flattened.add(vector);
    }
  }

  private static boolean allNull(ColumnVector vector) {
    return vector.isRepeating && !vector.noNulls && vector.isNull[0];
  }

  /** Grows {@code vector} (and, as Arrow does, its children) until it holds {@code rows}. */
  static void ensureCapacity(FieldVector vector, int rows) {
    while (vector.getValueCapacity() < rows) {
      vector.reAlloc();
    }
  }

  private static void setValidity(long validity, ColumnVector source, int from, int count, int at) {
    if (source.noNulls) {
      Vectors.setBits(validity, at, count);
    } else {
      for (int i = 0; i < count; i++) {
        Vectors.setBit(validity, at + i, !source.isNull[from + i]);
      }
    }
  }

  private static final class StructConverter extends OrcColumnConverter {
    private final OrcColumnConverter[] children;

    /** Per Arrow child, the index of its ORC field, or -1 when it is filled with its default. */
    private final int[] orcIndexes;

    private final DefaultFill[] defaults;

    StructConverter(OrcColumnConverter[] children, int[] orcIndexes, DefaultFill[] defaults) {
      this.children = children;
      this.orcIndexes = orcIndexes;
      this.defaults = defaults;
    }

    @Override
    void convert(ColumnVector source, int from, int count, FieldVector vector, int at) {
      StructColumnVector struct = (StructColumnVector) source;
      ensureCapacity(vector, at + count);
      List<FieldVector> fields = vector.getChildrenFromFields();
      long validity = vector.getValidityBuffer().memoryAddress();
      if (allNull(struct)) {
        appendNulls(vector, at, count);
        return;
      }
      if (struct.isRepeating) {
        // Every row is row 0, children included: convert it once per row.
        Vectors.setBits(validity, at, count);
        for (int i = 0; i < count; i++) {
          convertChildren(struct, 0, 1, fields, at + i);
        }
        return;
      }
      setValidity(validity, struct, from, count, at);
      convertChildren(struct, from, count, fields, at);
    }

    private void convertChildren(
        StructColumnVector struct, int from, int count, List<FieldVector> fields, int at) {
      for (int j = 0; j < children.length; j++) {
        if (orcIndexes[j] < 0) {
          defaults[j].fill(fields.get(j), at, count);
        } else {
          children[j].convert(struct.fields[orcIndexes[j]], from, count, fields.get(j), at);
        }
      }
    }

    @Override
    void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      throw new UnsupportedOperationException("structs convert field by field");
    }

    @Override
    void appendNulls(FieldVector vector, int at, int count) {
      ensureCapacity(vector, at + count);
      clearBits(vector.getValidityBuffer().memoryAddress(), at, count);
      List<FieldVector> fields = vector.getChildrenFromFields();
      for (int j = 0; j < children.length; j++) {
        children[j].appendNulls(fields.get(j), at, count);
      }
    }
  }

  /**
   * Lists and maps: validity and offsets of the rows, then the elements (a map's entries) in runs
   * of contiguous ORC child positions.
   */
  private abstract static class RepeatedConverter extends OrcColumnConverter {
    @Override
    final void convert(ColumnVector source, int from, int count, FieldVector vector, int at) {
      ListColumnVectorView rows = view(source);
      ListVector target = (ListVector) vector;
      ensureCapacity(target, at + count);
      if (allNull(source)) {
        appendNulls(target, at, count);
        return;
      }
      long validity = target.getValidityBuffer().memoryAddress();
      long offsets = target.getOffsetBuffer().memoryAddress();
      long end = at == 0 ? 0 : MemoryUtil.getInt(offsets + 4L * at);
      if (at == 0) {
        MemoryUtil.putInt(offsets, 0);
      }
      long runStart = 0;
      long runEnd = 0;
      int runAt = (int) end;
      for (int i = 0; i < count; i++) {
        int row = source.isRepeating ? 0 : from + i;
        boolean isNull = !source.noNulls && source.isNull[row];
        Vectors.setBit(validity, at + i, !isNull);
        if (!isNull) {
          long offset = rows.offsets[row];
          long length = rows.lengths[row];
          if (offset != runEnd) {
            convertRun(source, runStart, runEnd, target, runAt);
            runAt += (int) (runEnd - runStart);
            runStart = offset;
            runEnd = offset;
          }
          runEnd += length;
          end += length;
          if (end > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                "Cannot hold more than 2^31 list elements in one batch; use a smaller batch size");
          }
        }
        MemoryUtil.putInt(offsets + 4L * (at + i + 1), (int) end);
      }
      convertRun(source, runStart, runEnd, target, runAt);
      target.setLastSet(at + count - 1);
    }

    private void convertRun(
        ColumnVector source, long runStart, long runEnd, ListVector target, int runAt) {
      int length = (int) (runEnd - runStart);
      if (length > 0) {
        convertElements(source, (int) runStart, length, target.getDataVector(), runAt);
      }
    }

    /**
     * Converts ORC child positions {@code [from, from + count)} to Arrow child rows at {@code at}.
     */
    abstract void convertElements(
        ColumnVector source, int from, int count, FieldVector elements, int at);

    @Override
    final void copy(
        ColumnVector source, int from, int count, FieldVector vector, int at, boolean[] isNull) {
      throw new UnsupportedOperationException("lists and maps convert element by element");
    }

    @Override
    final void appendNulls(FieldVector vector, int at, int count) {
      ListVector target = (ListVector) vector;
      ensureCapacity(target, at + count);
      clearBits(target.getValidityBuffer().memoryAddress(), at, count);
      long offsets = target.getOffsetBuffer().memoryAddress();
      int end = at == 0 ? 0 : MemoryUtil.getInt(offsets + 4L * at);
      for (int i = 0; i <= count; i++) {
        MemoryUtil.putInt(offsets + 4L * (at + i), end);
      }
      target.setLastSet(at + count - 1);
    }

    private static ListColumnVectorView view(ColumnVector source) {
      if (source instanceof MapColumnVector map) {
        return new ListColumnVectorView(map.offsets, map.lengths);
      }
      ListColumnVector list = (ListColumnVector) source;
      return new ListColumnVectorView(list.offsets, list.lengths);
    }
  }

  /** The offsets and lengths of a list or map column vector. */
  private record ListColumnVectorView(long[] offsets, long[] lengths) {}

  private static final class ListConverter extends RepeatedConverter {
    private final OrcColumnConverter element;

    ListConverter(OrcColumnConverter element) {
      this.element = requireNonNull(element, "element is null");
    }

    @Override
    void convertElements(ColumnVector source, int from, int count, FieldVector elements, int at) {
      ensureCapacity(elements, at + count);
      element.convert(((ListColumnVector) source).child, from, count, elements, at);
    }
  }

  private static final class MapConverter extends RepeatedConverter {
    private final OrcColumnConverter key;
    private final OrcColumnConverter value;

    MapConverter(OrcColumnConverter key, OrcColumnConverter value) {
      this.key = requireNonNull(key, "key is null");
      this.value = requireNonNull(value, "value is null");
    }

    @Override
    void convertElements(ColumnVector source, int from, int count, FieldVector entries, int at) {
      MapColumnVector map = (MapColumnVector) source;
      ensureCapacity(entries, at + count);
      // The entries struct is never null.
      Vectors.setBits(entries.getValidityBuffer().memoryAddress(), at, count);
      List<FieldVector> keyAndValue = entries.getChildrenFromFields();
      key.convert(map.keys, from, count, keyAndValue.get(0), at);
      value.convert(map.values, from, count, keyAndValue.get(1), at);
    }
  }

  /**
   * Fills a nested field the file lacks with its initial default: the value is written once into a
   * one-row vector and copied into each row.
   */
  private static final class DefaultFill {
    private final Types.NestedField field;
    private final ConstantColumn constant;

    DefaultFill(Types.NestedField field) {
      this.field = field;
      this.constant = ConstantColumn.of(field.type(), field.initialDefault());
    }

    void fill(FieldVector target, int at, int count) {
      try (FieldVector one = ArrowSchemas.toArrow(field).createVector(target.getAllocator())) {
        copyInto(one, at, count, target);
      }
    }

    private void copyInto(FieldVector one, int at, int count, FieldVector target) {
      constant.fill(one, 1);
      if (target instanceof BaseVariableWidthVector variable) {
        // Arrow's copy appends after the last set row; that of an earlier batch may be stale.
        variable.setLastSet(at - 1);
      }
      for (int i = 0; i < count; i++) {
        target.copyFromSafe(0, at + i, one);
      }
    }
  }
}
