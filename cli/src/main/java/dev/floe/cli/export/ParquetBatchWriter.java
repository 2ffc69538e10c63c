package dev.floe.cli.export;

import dev.floe.arrow.RowView;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.parquet.InternalWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Parquet by Iceberg's own writer ({@code Parquet.write} with {@link InternalWriter}), so column
 * types, logical annotations and field ids are exactly what Iceberg writes for a table with this
 * schema. Rows are handed over one at a time as a {@link RowView} over the batch's vectors — no
 * per-row record objects, values in Iceberg's internal representation, which is what {@code
 * InternalWriter} consumes.
 *
 * <p>Memory: parquet-mr buffers one row group (compressed pages) before writing it, so the writer
 * holds at most about {@code rowGroupBytes}, whatever the table size.
 *
 * <p>An export of no rows is a valid Parquet file with the schema and no row groups. Iceberg's
 * writer writes nothing at all then (a table never wants an empty data file), so that file is
 * written by parquet-mr's {@link ParquetFileWriter} directly, with the same Parquet schema and the
 * same {@code iceberg.schema} footer entry.
 */
final class ParquetBatchWriter implements BatchWriter {
  private final Schema schema;
  private final Schema fileSchema;
  private final FileAppender<StructLike> appender;
  private final CountingOutputStream out;
  private final long rowGroupBytes;
  private RowView view;
  private List<FieldVector> bound;
  private long rows;

  private ParquetBatchWriter(
      Schema schema,
      Schema fileSchema,
      FileAppender<StructLike> appender,
      CountingOutputStream out,
      long rowGroupBytes) {
    this.schema = schema;
    this.fileSchema = fileSchema;
    this.appender = appender;
    this.out = out;
    this.rowGroupBytes = rowGroupBytes;
  }

  static ParquetBatchWriter open(
      Schema schema, OutputStream out, String location, String codec, long rowGroupBytes)
      throws IOException {
    CountingOutputStream counted = new CountingOutputStream(out);
    StreamOutputFile file = new StreamOutputFile(location, counted);
    Schema fileSchema = fileSchema(schema);
    FileAppender<StructLike> appender =
        Parquet.write(file)
            .schema(fileSchema)
            .createWriterFunc(type -> InternalWriter.create(fileSchema.asStruct(), type))
            .set(TableProperties.PARQUET_COMPRESSION, codec)
            .set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, Long.toString(rowGroupBytes))
            .overwrite()
            .build();
    return new ParquetBatchWriter(schema, fileSchema, appender, counted, rowGroupBytes);
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
    int count = batch.getRowCount();
    for (int row = 0; row < count; row++) {
      appender.add(view.at(row));
    }
    rows += count;
  }

  @Override
  public void finish() throws IOException {
    appender.close();
    if (rows == 0) {
      writeEmptyFile();
    }
  }

  /** The magic bytes, then a footer with the schema and no row groups. */
  private void writeEmptyFile() throws IOException {
    ParquetFileWriter writer =
        new ParquetFileWriter(
            new Stream(out),
            ParquetSchemaUtil.convert(fileSchema, "table"),
            ParquetFileWriter.Mode.OVERWRITE,
            rowGroupBytes,
            0,
            null,
            ParquetProperties.builder().build());
    writer.start();
    writer.end(Map.of("iceberg.schema", SchemaParser.toJson(fileSchema)));
  }

  /**
   * Without {@link #finish()}, does nothing: closing the appender would write a footer and make a
   * truncated export look like a complete Parquet file (on standard output, where it cannot be
   * deleted). Its buffers are plain heap, released with it.
   */
  @Override
  public void close() {}

  /** parquet-mr's output file over the export's stream, which only appends. */
  private static final class Stream implements OutputFile {
    private final CountingOutputStream out;

    Stream(CountingOutputStream out) {
      this.out = out;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
      long start = out.count();
      return new PositionOutputStream() {
        @Override
        public long getPos() {
          return out.count() - start;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
