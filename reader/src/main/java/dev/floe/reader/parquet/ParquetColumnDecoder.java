package dev.floe.reader.parquet;

import dev.floe.arrow.Vectors;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.io.api.PrimitiveConverter;

/**
 * Decodes one flat Parquet column chunk into an Arrow vector, value by value, through parquet-mr's
 * {@link ColumnReader} (which handles pages, encodings and dictionaries). Subclasses convert one
 * physical type to one Arrow vector type, including Iceberg's type promotions.
 */
abstract class ParquetColumnDecoder implements ColumnChunkDecoder {
  private static final PrimitiveConverter NO_CONVERTER = new PrimitiveConverter() {};

  private final ColumnDescriptor descriptor;
  private final int maxDefinitionLevel;
  private ColumnReader reader;

  ParquetColumnDecoder(ColumnDescriptor descriptor) {
    this.descriptor = descriptor;
    this.maxDefinitionLevel = descriptor.getMaxDefinitionLevel();
  }

  final ColumnDescriptor descriptor() {
    return descriptor;
  }

  @Override
  public final void startRowGroup(PageReadStore pages) {
    this.reader =
        new ColumnReaderImpl(descriptor, pages.getPageReader(descriptor), NO_CONVERTER, null);
  }

  @Override
  public final void decode(FieldVector vector, int rows) {
    Vectors.prepare(vector, rows);
    ColumnReader column = reader;
    for (int i = 0; i < rows; i++) {
      if (column.getCurrentDefinitionLevel() < maxDefinitionLevel) {
        BitVectorHelper.unsetBit(vector.getValidityBuffer(), i);
      } else {
        read(column, vector, i);
      }
      column.consume();
    }
    vector.setValueCount(rows);
  }

  /** Reads the current (non-null) value of {@code column} into row {@code row} of the vector. */
  abstract void read(ColumnReader column, FieldVector vector, int row);
}
