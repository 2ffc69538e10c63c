package dev.floe.cli.export;

import dev.floe.arrow.RowView;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Parquet by Iceberg's own writer ({@code Parquet.write} with {@link InternalWriter}), so column
 * types, logical annotations and field ids are exactly what Iceberg writes for a table with this
 * schema. Rows are handed over one at a time as a {@link RowView} over the batch's vectors — no
 * per-row record objects, values in Iceberg's internal representation, which is what {@code
 * InternalWriter} consumes.
 *
 * <p>Memory: parquet-mr buffers one row group (compressed pages) before writing it, so the writer
 * holds at most about {@code rowGroupBytes}, whatever the table size.
 */
final class ParquetBatchWriter implements BatchWriter {
  private final Schema schema;
  private final FileAppender<StructLike> appender;
  private RowView view;
  private List<FieldVector> bound;

  private ParquetBatchWriter(Schema schema, FileAppender<StructLike> appender) {
    this.schema = schema;
    this.appender = appender;
  }

  static ParquetBatchWriter open(
      Schema schema, OutputStream out, String location, String codec, long rowGroupBytes)
      throws IOException {
    StreamOutputFile file = new StreamOutputFile(location, new CountingOutputStream(out));
    Schema fileSchema = fileSchema(schema);
    FileAppender<StructLike> appender =
        Parquet.write(file)
            .schema(fileSchema)
            .createWriterFunc(type -> InternalWriter.create(fileSchema.asStruct(), type))
            .set(TableProperties.PARQUET_COMPRESSION, codec)
            .set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, Long.toString(rowGroupBytes))
            .overwrite()
            .build();
    return new ParquetBatchWriter(schema, appender);
  }

  /**
   * The schema the file is written with: the scan's columns with their field ids, except that
   * metadata columns ({@code _file}, {@code _pos}) become ordinary columns with fresh ids. Iceberg
   * reserves their ids: its readers would compute {@code _pos} from the row's position in the
   * export instead of reading the stored value.
   */
  static Schema fileSchema(Schema schema) {
    int next = 0;
    for (Types.NestedField column : schema.columns()) {
      if (!MetadataColumns.isMetadataColumn(column.fieldId())) {
        next =
            Math.max(
                next,
                TypeUtil.indexById(Types.StructType.of(column)).keySet().stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElse(column.fieldId()));
      }
    }
    List<Types.NestedField> fields = new ArrayList<>();
    for (Types.NestedField column : schema.columns()) {
      if (MetadataColumns.isMetadataColumn(column.fieldId())) {
        next += 1;
        fields.add(
            Types.NestedField.of(
                next, column.isOptional(), column.name(), column.type(), column.doc()));
      } else {
        fields.add(column);
      }
    }
    return new Schema(fields);
  }

  @Override
  public void write(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    if (!vectors.equals(bound)) {
      view = new RowView(schema.asStruct(), vectors);
      bound = List.copyOf(vectors);
    }
    int rows = batch.getRowCount();
    for (int row = 0; row < rows; row++) {
      appender.add(view.at(row));
    }
  }

  @Override
  public void finish() throws IOException {
    appender.close();
  }

  /**
   * Without {@link #finish()}, does nothing: closing the appender would write a footer and make a
   * truncated export look like a complete Parquet file (on standard output, where it cannot be
   * deleted). Its buffers are plain heap, released with it.
   */
  @Override
  public void close() {}
}
