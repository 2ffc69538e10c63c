package dev.floe.reader.parquet;

import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;

/**
 * Decodes a top-level struct, list or map column of a row group, batch by batch: each leaf's levels
 * and values for exactly the batch's rows, then the validity and offsets of every node above from
 * them ({@link DremelNode}). The column's vectors are reset and refilled for each batch; child
 * vectors grow to the entries the batch holds and keep their buffers after.
 */
final class NestedColumnDecoder {
  private final DremelNode root;

  NestedColumnDecoder(DremelNode root) {
    this.root = root;
  }

  void startRowGroup(PageReadStore pages, Map<ColumnPath, ColumnChunkMetaData> metadata) {
    root.startRowGroup(pages, metadata);
  }

  void decode(FieldVector vector, int rows) {
    vector.reset();
    root.readLeaves(vector, rows);
    root.assemble(vector, rows);
    vector.setValueCount(rows);
  }
}
