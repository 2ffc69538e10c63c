package dev.floe.cli.export;

import dev.floe.export.CanonicalJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;

/**
 * JSON Lines in the canonical encoding of the oracle tables ({@link CanonicalJson}): one object per
 * row, every column present in output order, no spaces, {@code \n} after every line. Rows come in
 * scan order (the oracle's expected files are additionally sorted by id).
 */
final class JsonLinesWriter implements BatchWriter {
  private final CanonicalJson json;
  private final Writer writer;
  private final StringBuilder line = new StringBuilder(256);

  private JsonLinesWriter(CanonicalJson json, Writer writer) {
    this.json = json;
    this.writer = writer;
  }

  static JsonLinesWriter open(Schema schema, OutputStream out) {
    return new JsonLinesWriter(
        CanonicalJson.forSchema(schema),
        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
  }

  @Override
  public void write(VectorSchemaRoot batch) throws IOException {
    int rows = batch.getRowCount();
    for (int row = 0; row < rows; row++) {
      line.setLength(0);
      json.append(line, batch, row);
      line.append('\n');
      writer.append(line);
    }
  }

  @Override
  public void finish() throws IOException {
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
