package dev.floe.cli;

import dev.floe.arrow.RowView;
import dev.floe.export.CanonicalJson;
import dev.floe.scan.DataScan;
import dev.floe.scan.RecordBatchStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;

/**
 * What a scan returns, read directly with {@link DataScan} (no CLI): its schema, each row's
 * canonical JSON line, and each row's values in Iceberg's internal representation, normalized so
 * that equal values compare equal (bytes as hex, floats by their bits, text as String).
 */
record ScanReference(Schema schema, List<String> lines, List<List<Object>> rows) {

  static ScanReference of(Table table, UnaryOperator<DataScan> options) {
    List<String> lines = new ArrayList<>();
    List<List<Object>> rows = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        RecordBatchStream batches =
            options.apply(DataScan.of(table)).toRecordBatches(777, allocator)) {
      Schema schema = batches.icebergSchema();
      CanonicalJson json = CanonicalJson.forSchema(schema);
      for (VectorSchemaRoot batch : batches) {
        RowView view = new RowView(schema.asStruct(), batch.getFieldVectors());
        for (int row = 0; row < batch.getRowCount(); row++) {
          lines.add(json.line(batch, row));
          rows.add(normalize(view.at(row), schema.columns().size()));
        }
      }
      return new ScanReference(schema, lines, rows);
    }
  }

  /** The row's values, normalized. */
  static List<Object> normalize(StructLike row, int size) {
    List<Object> values = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      values.add(normalize(row.get(i, Object.class)));
    }
    return values;
  }

  static Object normalize(Object value) {
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return "0x" + HexFormat.of().formatHex(bytes);
    } else if (value instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    } else if (value instanceof Float f) {
      return "f" + Float.floatToIntBits(f);
    } else if (value instanceof Double d) {
      return "d" + Double.doubleToLongBits(d);
    } else if (value instanceof CharSequence text) {
      return text.toString();
    }
    return value;
  }
}
