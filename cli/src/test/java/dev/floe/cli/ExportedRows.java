package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.arrow.RowView;
import dev.floe.export.CanonicalJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.arrow.ArrowSchemaUtil;
import org.apache.iceberg.data.parquet.InternalReader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Reads an export back with a reader that did not write it — Arrow Java's IPC readers, Iceberg's
 * Parquet reader, Commons CSV's parser with each cell parsed back into its type, Jackson for JSON
 * Lines — into the shape of a {@link ScanReference} for comparison.
 */
final class ExportedRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportedRows() {}

  static ScanReference arrowStream(byte[] bytes, Schema schema) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
      return arrow(reader, schema);
    }
  }

  static ScanReference arrowFile(Path file, Schema schema) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        SeekableByteChannel channel = Files.newByteChannel(file);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      return arrow(reader, schema);
    }
  }

  private static ScanReference arrow(ArrowReader reader, Schema schema) throws IOException {
    VectorSchemaRoot root = reader.getVectorSchemaRoot();
    assertThat(root.getSchema().getFields())
        .as("Arrow schema")
        .isEqualTo(ArrowSchemaUtil.convert(schema).getFields());
    CanonicalJson json = CanonicalJson.forSchema(schema);
    List<String> lines = new ArrayList<>();
    List<List<Object>> rows = new ArrayList<>();
    while (reader.loadNextBatch()) {
      RowView view = new RowView(schema.asStruct(), root.getFieldVectors());
      for (int row = 0; row < root.getRowCount(); row++) {
        lines.add(json.line(root, row));
        rows.add(ScanReference.normalize(view.at(row), schema.columns().size()));
      }
    }
    return new ScanReference(schema, lines, rows);
  }

  /** Iceberg's own Parquet reader, values in the internal representation. */
  static ScanReference parquet(Path file, Schema schema) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterable<StructLike> records =
        Parquet.read(org.apache.iceberg.Files.localInput(file.toFile()))
            .project(schema)
            .createReaderFunc(fileSchema -> InternalReader.create(schema, fileSchema))
            .build()) {
      for (StructLike record : records) {
        rows.add(ScanReference.normalize(record, schema.columns().size()));
      }
    }
    return new ScanReference(schema, List.of(), rows);
  }

  /** Commons CSV's parser; every cell parsed back into the column's internal value. */
  static ScanReference csv(byte[] bytes, Schema schema) throws IOException {
    CSVFormat format =
        CSVFormat.RFC4180
            .builder()
            .setQuoteMode(QuoteMode.NON_NUMERIC)
            .setNullString("")
            .setHeader()
            .setSkipHeaderRecord(true)
            .get();
    List<List<Object>> rows = new ArrayList<>();
    try (Reader reader =
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      List<String> names = schema.columns().stream().map(Types.NestedField::name).toList();
      assertThat(parser.getHeaderNames()).isEqualTo(names);
      for (CSVRecord record : parser) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
          String cell = record.get(i);
          row.add(ScanReference.normalize(parse(schema.columns().get(i).type(), cell)));
        }
        rows.add(row);
      }
    }
    return new ScanReference(schema, List.of(), rows);
  }

  private static Object parse(Type type, String text) {
    if (text == null) {
      return null;
    }
    switch (type.typeId()) {
      case BOOLEAN:
        assertThat(text).isIn("true", "false");
        return Boolean.parseBoolean(text);
      case INTEGER:
        return Integer.parseInt(text);
      case LONG:
        return Long.parseLong(text);
      case FLOAT:
        return Float.parseFloat(text);
      case DOUBLE:
        return Double.parseDouble(text);
      case DECIMAL:
        return new BigDecimal(text);
      case DATE:
        return (int) LocalDate.parse(text).toEpochDay();
      case TIME:
        return LocalTime.parse(text).toNanoOfDay() / 1000;
      case TIMESTAMP:
        Instant instant =
            ((Types.TimestampType) type).shouldAdjustToUTC()
                ? Instant.parse(text)
                : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
      case STRING:
        return text;
      case UUID:
        return UUID.fromString(text);
      case BINARY:
      case FIXED:
        return ByteBuffer.wrap(Base64.getDecoder().decode(text));
      default:
        throw new IllegalArgumentException("No CSV parse for " + type);
    }
  }

  /** JSON Lines: each line must parse as JSON with every column, in order. */
  static ScanReference jsonLines(byte[] bytes, Schema schema) throws IOException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    if (!lines.isEmpty()) {
      assertThat(lines.get(lines.size() - 1)).as("newline after the last line").isEmpty();
      lines = lines.subList(0, lines.size() - 1);
    }
    List<String> names = schema.columns().stream().map(Types.NestedField::name).toList();
    for (String line : lines) {
      JsonNode node = JSON.readTree(line);
      List<String> fields = new ArrayList<>();
      Iterator<String> iterator = node.fieldNames();
      iterator.forEachRemaining(fields::add);
      assertThat(fields).isEqualTo(names);
    }
    return new ScanReference(schema, lines, List.of());
  }

  static byte[] bytes(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readAllBytes();
    }
  }
}
