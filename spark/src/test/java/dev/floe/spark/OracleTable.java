package dev.floe.spark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.io.MetadataTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Assumptions;

/**
 * A Spark-written oracle table of {@code shared/oracle} (see its README): read in place through a
 * prefix mapping, with the rows Spark read back. The folder comes from {@code floe.oracle.dir} (set
 * by the build), else the nearest {@code shared/oracle} above the working directory; without it the
 * test is skipped, not passed.
 */
final class OracleTable {
  /** The prefix every path inside the oracle's metadata, manifests and delete files starts with. */
  static final String ORIGINAL_ROOT = "/iceberg-oracle/tables";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  private final String name;
  private final Path dir;
  private final JsonNode meta;

  private OracleTable(String name, Path dir, JsonNode meta) {
    this.name = name;
    this.dir = dir;
    this.meta = meta;
  }

  static OracleTable load(String name) {
    Path dir = locate();
    Assumptions.assumeTrue(dir != null, "Oracle tables not found: set -Dfloe.oracle.dir");
    try {
      return new OracleTable(
          name, dir, JSON.readTree(dir.resolve("expected/" + name + ".meta.json").toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    String property = System.getProperty("floe.oracle.dir");
    if (property != null && Files.isDirectory(Path.of(property, "expected"))) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.isDirectory(at.resolve("shared/oracle/expected"))) {
        return at.resolve("shared/oracle");
      }
    }
    return null;
  }

  String metadataLocation() {
    return meta.get("current_metadata_file").asText();
  }

  /** FROM → TO: the oracle's original root to where its tables lie here. */
  Map<String, String> prefixes() {
    return Map.of(ORIGINAL_ROOT, dir.resolve("tables").toString());
  }

  Table table() {
    return MetadataTables.loadTable(metadataLocation(), prefixes());
  }

  long rowCount() {
    return meta.get("row_count").asLong();
  }

  /**
   * Every row Spark read back, as {@link Values#row} of the given top-level primitive columns of
   * {@code schema}.
   */
  /** The expected rows, every column nested ones included, as {@link NestedValues#expected}. */
  List<String> expectedNestedRows(Schema schema) {
    try {
      List<String> rows = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("expected/" + name + ".jsonl"))) {
        rows.add(NestedValues.expected(line, schema));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> expectedRows(Schema schema, List<String> columns) {
    try {
      List<String> rows = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("expected/" + name + ".jsonl"))) {
        Map<String, String> members = members(line);
        List<Object> values = new ArrayList<>(columns.size());
        for (String column : columns) {
          Types.NestedField field = schema.findField(column);
          values.add(Values.fromJson(members.get(column), field.type()));
        }
        rows.add(Values.row(values));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The top-level members of a line: the raw text of numbers (so -0 and 1e+21 stay as written), the
   * unescaped text of strings, null for JSON null; nested values are skipped.
   */
  private static Map<String, String> members(String line) throws IOException {
    Map<String, String> members = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("Invalid line: " + line + ", expected an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String member = parser.currentName();
        JsonToken token = parser.nextToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
          parser.skipChildren();
        } else if (token != JsonToken.VALUE_NULL) {
          members.put(member, parser.getText());
        }
      }
    }
    return members;
  }

  @Override
  public String toString() {
    return name;
  }
}
