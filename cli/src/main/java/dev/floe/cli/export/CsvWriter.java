package dev.floe.cli.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * CSV by Apache Commons CSV in its RFC 4180 format (comma, double-quote quoting with doubled
 * quotes, CRLF line ends) with a header row. A null is an empty unquoted field; strings, binary and
 * fixed values are always quoted, so an empty string ({@code ""}) stays distinct from null. Every
 * other value is written bare, in the forms of {@link ValueText}.
 */
final class CsvWriter implements BatchWriter {
  private final Schema schema;
  private final CSVPrinter printer;
  private final Object[] record;
  private ValueText[] columns;
  private List<FieldVector> bound;

  private CsvWriter(Schema schema, CSVPrinter printer) {
    this.schema = schema;
    this.printer = printer;
    this.record = new Object[schema.columns().size()];
  }

  static CsvWriter open(Schema schema, OutputStream out) throws IOException {
    CSVFormat format =
        CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.NON_NUMERIC).setNullString("").get();
    BufferedWriter writer =
        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    CSVPrinter printer = new CSVPrinter(writer, format);
    CsvWriter csv = new CsvWriter(schema, printer);
    csv.header();
    return csv;
  }

  private void header() throws IOException {
    List<Types.NestedField> fields = schema.columns();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i).name();
      record[i] = name.matches("[A-Za-z_][A-Za-z0-9_]*") ? new Bare(name) : name;
    }
    printer.printRecord(record);
  }

  @Override
  public void write(VectorSchemaRoot batch) throws IOException {
    bind(batch);
    int rows = batch.getRowCount();
    for (int row = 0; row < rows; row++) {
      for (int i = 0; i < columns.length; i++) {
        String text = columns[i].text(row);
        record[i] = text == null || columns[i].isTextual() ? text : new Bare(text);
      }
      printer.printRecord(record);
    }
  }

  /** Value readers follow the root's vectors, which a stream keeps for its whole life. */
  private void bind(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    if (vectors.equals(bound)) {
      return;
    }
    if (vectors.size() != record.length) {
      throw new IllegalArgumentException(
          String.format("Invalid batch: %d columns, expected %d", vectors.size(), record.length));
    }
    columns = new ValueText[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = ValueText.of(schema.columns().get(i), vectors.get(i));
    }
    bound = List.copyOf(vectors);
  }

  @Override
  public void finish() throws IOException {
    printer.flush();
  }

  @Override
  public void close() throws IOException {
    printer.close();
  }

  /**
   * A value Commons CSV writes without quotes: its NON_NUMERIC quote mode quotes everything that is
   * not a {@link Number}. Only {@link #toString()} is ever called.
   */
  private static final class Bare extends Number {
    private static final long serialVersionUID = 1L;

    private final String text;

    Bare(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }

    @Override
    public int intValue() {
      throw new UnsupportedOperationException(text);
    }

    @Override
    public long longValue() {
      throw new UnsupportedOperationException(text);
    }

    @Override
    public float floatValue() {
      throw new UnsupportedOperationException(text);
    }

    @Override
    public double doubleValue() {
      throw new UnsupportedOperationException(text);
    }
  }
}
