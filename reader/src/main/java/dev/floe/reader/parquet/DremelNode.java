package dev.floe.reader.parquet;

import dev.floe.arrow.ConstantColumn;
import dev.floe.arrow.Vectors;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;

/**
 * One node of a nested column (struct, list, map entries, leaf, or a field the file lacks) and how
 * its Arrow vector is rebuilt from Parquet's repetition and definition levels (the Dremel
 * assembly). A node takes its structure from the levels of one leaf below it, its first one: an
 * entry whose definition level is below {@code slotDefinition} (a null or empty repeated ancestor)
 * makes no slot; an entry whose repetition level is at most {@code slotRepetition} starts a new
 * slot; the slot is non-null iff its definition level reaches {@code presentDefinition}. Every leaf
 * under a node sees the same slots at that node's level, so any leaf would do.
 */
abstract class DremelNode {
  final int slotDefinition;
  final int slotRepetition;
  final int presentDefinition;

  DremelNode(int slotDefinition, int slotRepetition, int presentDefinition) {
    this.slotDefinition = slotDefinition;
    this.slotRepetition = slotRepetition;
    this.presentDefinition = presentDefinition;
  }

  /** The leaf whose levels give this node's structure; null for a field the file lacks. */
  abstract LeafColumn firstLeaf();

  abstract void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata);

  /** Reads the levels and values of the next {@code rows} top-level rows of every leaf below. */
  abstract void readLeaves(FieldVector vector, int rows);

  /**
   * Writes this node's validity (and offsets) for {@code slots} slots from the levels read by
   * {@link #readLeaves}, then its children's.
   */
  abstract void assemble(FieldVector vector, int slots);

  static IllegalStateException inconsistent(LeafColumn leaf, int found, int expected) {
    return new IllegalStateException(
        String.format(
            "Invalid levels in column %s: %d slots, expected %d",
            String.join(".", leaf.descriptor().getPath()), found, expected));
  }

  /** A primitive leaf: its values and validity were written while reading its levels. */
  static final class Leaf extends DremelNode {
    private final LeafColumn column;

    Leaf(LeafColumn column, int slotDefinition, int slotRepetition, int presentDefinition) {
      super(slotDefinition, slotRepetition, presentDefinition);
      this.column = column;
    }

    @Override
    LeafColumn firstLeaf() {
      return column;
    }

    @Override
    void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      column.startRowGroup(pages, metadata);
    }

    @Override
    void readLeaves(FieldVector vector, int rows) {
      column.read(vector, rows);
    }

    @Override
    void assemble(FieldVector vector, int slots) {
      if (column.slots != slots) {
        throw inconsistent(column, column.slots, slots);
      }
    }
  }

  /** A field of a struct (or a whole subtree) the file does not have: null or its default. */
  static final class Missing extends DremelNode {
    private final ConstantColumn constant;

    Missing(ConstantColumn constant) {
      super(0, 0, 0);
      this.constant = constant;
    }

    @Override
    LeafColumn firstLeaf() {
      return null;
    }

    @Override
    void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {}

    @Override
    void readLeaves(FieldVector vector, int rows) {}

    @Override
    void assemble(FieldVector vector, int slots) {
      constant.fill(vector, slots);
    }
  }

  /** A struct, also a map's non-null entries; its children in the struct's order. */
  static final class Struct extends DremelNode {
    private final List<DremelNode> children;
    private final LeafColumn presence;
    private final LeafColumn leaf;

    /**
     * @param presence a leaf read for its levels only, when no child has a leaf in the file; else
     *     null
     */
    Struct(
        List<DremelNode> children,
        LeafColumn presence,
        int slotDefinition,
        int slotRepetition,
        int presentDefinition) {
      super(slotDefinition, slotRepetition, presentDefinition);
      this.children = List.copyOf(children);
      this.presence = presence;
      LeafColumn first = presence;
      for (DremelNode child : children) {
        if (first == null) {
          first = child.firstLeaf();
        }
      }
      if (first == null) {
        throw new IllegalArgumentException("Cannot read a struct without leaves");
      }
      this.leaf = first;
    }

    @Override
    LeafColumn firstLeaf() {
      return leaf;
    }

    @Override
    void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      if (presence != null) {
        presence.startRowGroup(pages, metadata);
      }
      for (DremelNode child : children) {
        child.startRowGroup(pages, metadata);
      }
    }

    @Override
    void readLeaves(FieldVector vector, int rows) {
      StructVector struct = (StructVector) vector;
      if (presence != null) {
        presence.read(null, rows);
      }
      for (int i = 0; i < children.size(); i++) {
        children.get(i).readLeaves((FieldVector) struct.getChildByOrdinal(i), rows);
      }
    }

    @Override
    void assemble(FieldVector vector, int slots) {
      StructVector struct = (StructVector) vector;
      if (slots > 0) {
        struct.setNull(slots - 1); // grows the validity buffer, zeroed by the batch's reset
      }
      long validity = struct.getValidityBuffer().memoryAddress();
      int[] rep = leaf.repetition;
      int[] def = leaf.definition;
      int slot = 0;
      for (int e = 0; e < leaf.entries; e++) {
        int d = def[e];
        if (d < slotDefinition || rep[e] > slotRepetition) {
          continue;
        }
        if (d >= presentDefinition && slot < slots) {
          Vectors.setBit(validity, slot, true);
        }
        slot++;
      }
      if (slot != slots) {
        throw inconsistent(leaf, slot, slots);
      }
      for (int i = 0; i < children.size(); i++) {
        children.get(i).assemble((FieldVector) struct.getChildByOrdinal(i), slots);
      }
    }
  }

  /**
   * A list, or a map (a list of entries structs): offsets count the element starts (entries at the
   * repeated field's levels) within each slot.
   */
  static final class Repeated extends DremelNode {
    private final DremelNode element;
    private final LeafColumn leaf;

    Repeated(DremelNode element, int slotDefinition, int slotRepetition, int presentDefinition) {
      super(slotDefinition, slotRepetition, presentDefinition);
      this.element = element;
      this.leaf = element.firstLeaf();
    }

    @Override
    LeafColumn firstLeaf() {
      return leaf;
    }

    @Override
    void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {
      element.startRowGroup(pages, metadata);
    }

    @Override
    void readLeaves(FieldVector vector, int rows) {
      element.readLeaves(((ListVector) vector).getDataVector(), rows);
    }

    @Override
    void assemble(FieldVector vector, int slots) {
      ListVector list = (ListVector) vector;
      if (slots > 0 && list.getValueCapacity() < slots) {
        list.startNewValue(slots - 1); // grows the validity and offset buffers
      }
      long validity = list.getValidityBuffer().memoryAddress();
      if (slots > 0) {
        Vectors.setBit(validity, slots - 1, false); // set by startNewValue
      }
      long offsets = list.getOffsetBuffer().memoryAddress();
      int[] rep = leaf.repetition;
      int[] def = leaf.definition;
      int elementDefinition = element.slotDefinition;
      int elementRepetition = element.slotRepetition;
      int slot = -1;
      int elements = 0;
      for (int e = 0; e < leaf.entries; e++) {
        int d = def[e];
        if (d < slotDefinition) {
          continue;
        }
        int r = rep[e];
        if (r <= slotRepetition) {
          if (slot >= 0) {
            MemoryUtil.putInt(offsets + 4L * (slot + 1), elements);
          }
          slot++;
          if (slot == slots) {
            throw inconsistent(leaf, slot + 1, slots);
          }
          if (d >= presentDefinition) {
            Vectors.setBit(validity, slot, true);
          }
        }
        if (d >= elementDefinition && r <= elementRepetition) {
          elements++;
        }
      }
      if (slot >= 0) {
        MemoryUtil.putInt(offsets + 4L * (slot + 1), elements);
      }
      if (slot + 1 != slots) {
        throw inconsistent(leaf, slot + 1, slots);
      }
      list.setLastSet(slots - 1);
      element.assemble(list.getDataVector(), elements);
    }
  }
}
