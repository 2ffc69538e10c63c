package dev.floe.delete;

import static java.util.Objects.requireNonNull;

import dev.floe.arrow.RowView;
import dev.floe.delete.KeyColumn.KeyBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.formats.FormatModelRegistry;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeSet;
import org.apache.iceberg.util.StructProjection;

/**
 * The equality deletes of one data file, applied to a whole batch at once: the batch's key vectors
 * probe sets of primitive keys directly, with no row object per row. A single long-like key (int,
 * long, date, time, timestamp) probes a set of longs, a single string or binary key probes a set of
 * byte strings straight from the vector's buffers, and any other key (several columns, floats,
 * decimals, booleans) is encoded into a reused byte array and probes a set of encoded keys.
 *
 * <p>Each delete file becomes one key set, loaded once per scan through the {@link DeleteCache} and
 * shared by every data file it applies to. Semantics are those of Iceberg's {@code DeleteFilter}:
 * delete files are grouped by their equality field ids; a row is deleted if its key is in the set
 * of any delete file of any group; a null key deletes rows whose key is null. Which delete files
 * apply (data sequence numbers, partitions) is the planner's decision, made before.
 */
final class EqualityDeletes {
  private final List<Group> groups;
  private boolean[] deleted = new boolean[0];

  private EqualityDeletes(List<Group> groups) {
    this.groups = groups;
  }

  /**
   * Loads the equality deletes of one data file. A group whose key has a column that is not a
   * top-level column of {@code readSchema} of a type the vectorized path covers (a column inside a
   * struct, uuid, fixed) is applied as Iceberg's {@code DeleteFilter} applies it: a {@code
   * StructLikeSet} loaded by {@code loader}, probed row by row through a projection of the row.
   */
  static EqualityDeletes load(
      List<DeleteFile> deletes,
      Schema readSchema,
      FileIO io,
      DeleteCache cache,
      DeleteLoader loader) {
    Map<Set<Integer>, List<DeleteFile>> byKey = new LinkedHashMap<>();
    for (DeleteFile delete : deletes) {
      if (delete.content() == FileContent.EQUALITY_DELETES) {
        byKey
            .computeIfAbsent(new HashSet<>(delete.equalityFieldIds()), k -> new ArrayList<>())
            .add(delete);
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Map.Entry<Set<Integer>, List<DeleteFile>> entry : byKey.entrySet()) {
      Shape shape = Shape.of(entry.getKey(), readSchema);
      if (shape == null) {
        Schema deleteSchema = TypeUtil.select(readSchema, entry.getKey());
        groups.add(
            new RowGroup(
                loader.loadEqualityDeletes(entry.getValue(), deleteSchema),
                StructProjection.create(readSchema, deleteSchema)));
      } else {
        VectorGroup group = new VectorGroup(shape, entry.getValue());
        group.load(io, cache);
        groups.add(group);
      }
    }
    return new EqualityDeletes(groups);
  }

  /** Groups applied row by row through a StructLikeSet rather than probed with key vectors. */
  int rowByRowGroups() {
    return (int) groups.stream().filter(RowGroup.class::isInstance).count();
  }

  /** Takes the vectors each batch is decoded into, laid out as the read schema. */
  void bind(List<FieldVector> readVectors) {
    for (Group group : groups) {
      group.bind(readVectors);
    }
  }

  /**
   * Marks the rows of the bound vectors' current batch that an equality delete removes.
   *
   * @return an array whose first {@code rows} entries say whether the row is deleted; reused by the
   *     next call
   */
  boolean[] deletedRows(int rows, RowView rowView) {
    if (deleted.length < rows) {
      deleted = new boolean[rows];
    } else {
      java.util.Arrays.fill(deleted, 0, rows, false);
    }
    for (Group group : groups) {
      group.mark(rows, rowView, deleted);
    }
    return deleted;
  }

  /** The key columns of a group: their positions in the read schema and how they compare. */
  private record Shape(Schema keySchema, int[] positions, KeyColumn[] columns) {
    static Shape of(Set<Integer> fieldIds, Schema readSchema) {
      List<Types.NestedField> top = readSchema.columns();
      int[] positions = new int[fieldIds.size()];
      KeyColumn[] columns = new KeyColumn[fieldIds.size()];
      List<Types.NestedField> fields = new ArrayList<>();
      int i = 0;
      // in read-schema order, like TypeUtil.select in Iceberg's DeleteFilter
      for (int p = 0; p < top.size(); p++) {
        Types.NestedField field = top.get(p);
        if (fieldIds.contains(field.fieldId())) {
          KeyColumn column = KeyColumn.of(field.type());
          if (column == null) {
            return null;
          }
          positions[i] = p;
          columns[i] = column;
          fields.add(field);
          i += 1;
        }
      }
      if (i != fieldIds.size()) {
        return null; // a key column inside a struct, or not in the table schema
      }
      return new Shape(new Schema(fields), positions, columns);
    }

    boolean singleLong() {
      return columns.length == 1 && (columns[0] == KeyColumn.INT || columns[0] == KeyColumn.LONG);
    }

    boolean singleBytes() {
      return columns.length == 1 && columns[0] == KeyColumn.BYTES;
    }

    String describe() {
      return keySchema.columns().stream()
          .map(f -> f.fieldId() + ":" + f.type())
          .collect(Collectors.joining(",", "[", "]"));
    }

    long estimatedBytesPerKey() {
      if (singleLong()) {
        return 24; // a table at most half full, grown by doubling
      }
      return 40L + keySchema.columns().stream().mapToInt(TypeUtil::estimateSize).sum();
    }
  }

  /**
   * The keys of one delete file: longs or byte strings, and whether a null key is deleted (single
   * columns; an encoded key carries its nulls).
   */
  private record Keys(LongKeySet longs, ByteKeySet bytes, boolean containsNull) {}

  /** Delete files with the same key columns. */
  private interface Group {
    default void bind(List<FieldVector> readVectors) {}

    /** Sets {@code deleted[i]} for each row not yet deleted that this group deletes. */
    void mark(int rows, RowView rowView, boolean[] deleted);
  }

  /** Iceberg's own way, for keys the vectorized path does not cover. */
  private record RowGroup(StructLikeSet keys, StructProjection projection) implements Group {
    @Override
    public void mark(int rows, RowView rowView, boolean[] deleted) {
      for (int i = 0; i < rows; i++) {
        if (!deleted[i]) {
          deleted[i] = keys.contains(projection.wrap(rowView.at(i)));
        }
      }
    }
  }

  /** Key sets probed with the key vectors. */
  private static final class VectorGroup implements Group {
    private final Shape shape;
    private final List<DeleteFile> files;
    private Keys[] keys;
    private FieldVector[] vectors;
    private final KeyBytes scratch = new KeyBytes();

    VectorGroup(Shape shape, List<DeleteFile> files) {
      this.shape = shape;
      this.files = files;
    }

    void load(FileIO io, DeleteCache cache) {
      this.keys = new Keys[files.size()];
      for (int i = 0; i < keys.length; i++) {
        DeleteFile file = files.get(i);
        long estimate;
        try {
          estimate = Math.multiplyExact(file.recordCount(), shape.estimatedBytesPerKey());
        } catch (ArithmeticException e) {
          estimate = Long.MAX_VALUE;
        }
        String key = "floe-eq:" + file.location() + "#" + shape.describe();
        keys[i] = cache.get(key, estimate, () -> read(file, io));
      }
    }

    private Keys read(DeleteFile file, FileIO io) {
      int expected = (int) Math.min(file.recordCount(), 1 << 28);
      LongKeySet longs = shape.singleLong() ? new LongKeySet(expected) : null;
      ByteKeySet bytes = longs == null ? new ByteKeySet(expected) : null;
      boolean containsNull = false;
      Schema keySchema = shape.keySchema();
      InternalRecordWrapper internal = new InternalRecordWrapper(keySchema.asStruct());
      KeyBytes encoded = new KeyBytes();
      try (CloseableIterable<Record> rows =
          FormatModelRegistry.<Record, Object>readBuilder(
                  file.format(),
                  Record.class,
                  DeleteFileColumns.checked(file, io.newInputFile(file.location()), keySchema))
              .project(keySchema)
              .reuseContainers()
              .build()) {
        for (Record record : rows) {
          StructLike row = internal.wrap(record);
          if (longs != null || shape.singleBytes()) {
            Object value = row.get(0, Object.class);
            if (value == null) {
              containsNull = true;
            } else if (longs != null) {
              longs.add(KeyColumn.longValue(value));
            } else {
              byte[] key = KeyColumn.bytesValue(value);
              bytes.add(key, key.length);
            }
          } else {
            int end = encode(row, encoded);
            if (end >= 0) {
              bytes.add(encoded.bytes, end);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read equality deletes " + file.location(), e);
      }
      if (longs != null) {
        longs.seal();
      }
      return new Keys(longs, bytes, containsNull);
    }

    private int encode(StructLike row, KeyBytes encoded) {
      int end = 0;
      for (int c = 0; c < shape.columns().length && end >= 0; c++) {
        end =
            shape.columns()[c].encode(
                row.get(c, Object.class), shape.keySchema().columns().get(c).type(), encoded, end);
      }
      return end;
    }

    @Override
    public void bind(List<FieldVector> readVectors) {
      this.vectors = new FieldVector[shape.positions().length];
      for (int c = 0; c < vectors.length; c++) {
        vectors[c] = requireNonNull(readVectors.get(shape.positions()[c]), "key vector is null");
      }
    }

    @Override
    public void mark(int rows, RowView rowView, boolean[] deleted) {
      if (shape.singleLong()) {
        markLongs(rows, deleted);
      } else if (shape.singleBytes()) {
        markBytes(rows, deleted);
      } else {
        markEncoded(rows, deleted);
      }
    }

    private void markLongs(int rows, boolean[] deleted) {
      FieldVector vector = vectors[0];
      ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
      boolean nulls = vector.getNullCount() > 0;
      boolean ints = shape.columns()[0] == KeyColumn.INT;
      for (Keys fileKeys : keys) {
        LongKeySet set = fileKeys.longs();
        for (int i = 0; i < rows; i++) {
          if (deleted[i]) {
            continue;
          }
          if (nulls && vector.isNull(i)) {
            deleted[i] = fileKeys.containsNull();
            continue;
          }
          long key = ints ? data.getInt(4L * i) : data.getLong(8L * i);
          deleted[i] = set.contains(key);
        }
      }
    }

    private void markBytes(int rows, boolean[] deleted) {
      BaseVariableWidthVector vector = (BaseVariableWidthVector) vectors[0];
      ArrowBuf offsets = vector.getOffsetBuffer();
      ArrowBuf data = vector.getDataBuffer();
      boolean nulls = vector.getNullCount() > 0;
      for (Keys fileKeys : keys) {
        ByteKeySet set = fileKeys.bytes();
        for (int i = 0; i < rows; i++) {
          if (deleted[i]) {
            continue;
          }
          if (nulls && vector.isNull(i)) {
            deleted[i] = fileKeys.containsNull();
            continue;
          }
          int start = offsets.getInt(4L * i);
          int end = offsets.getInt(4L * i + 4);
          deleted[i] = set.contains(data, start, end - start);
        }
      }
    }

    private void markEncoded(int rows, boolean[] deleted) {
      KeyColumn[] columns = shape.columns();
      for (int i = 0; i < rows; i++) {
        if (deleted[i]) {
          continue;
        }
        int end = 0;
        for (int c = 0; c < columns.length; c++) {
          end = columns[c].encode(vectors[c], i, scratch, end);
        }
        for (Keys fileKeys : keys) {
          if (fileKeys.bytes().contains(scratch.bytes, end)) {
            deleted[i] = true;
            break;
          }
        }
      }
    }
  }
}
