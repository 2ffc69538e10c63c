package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * One Spark-written oracle table of {@code shared/oracle}: its metadata file (the table reference a
 * client sends), the prefix mapping that reads it in place, and Spark's expected rows.
 */
record OracleTable(String name, Path dir, JsonNode meta) {
  static final String ORIGINAL_ROOT = "/iceberg-oracle/tables";
  static final List<String> NAMES = List.of("v2_parquet_posdel", "v3_orc_dv", "types");

  private static final ObjectMapper JSON = new ObjectMapper();

  static OracleTable load(String name) {
    Path dir = locate();
    Assumptions.assumeTrue(dir != null, "oracle tables not found: set -Dfloe.oracle.dir");
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

  /** The prefix mapping every server of these tests reads the oracle with. */
  static Map<String, String> prefixes() {
    Path dir = locate();
    return dir == null ? Map.of() : Map.of(ORIGINAL_ROOT, dir.resolve("tables").toString());
  }

  /** What a client names the table by: its current metadata file, at its original location. */
  String reference() {
    return meta.get("current_metadata_file").asText();
  }

  /** The columns a test reads of this table: all of them, nested ones included. */
  List<String> readableColumns() {
    return allColumns();
  }

  List<String> allColumns() {
    List<String> columns = new ArrayList<>();
    meta.get("columns").forEach(column -> columns.add(column.get("name").asText()));
    return columns;
  }

  boolean allReadable() {
    return true;
  }

  /** Spark's rows, sorted by id, reduced to {@code columns} in that order. */
  List<String> expectedLines(List<String> columns) {
    try {
      List<String> lines =
          Files.readAllLines(dir.resolve("expected/" + name + ".jsonl"), StandardCharsets.UTF_8);
      assertThat(lines).hasSize(meta.get("row_count").asInt());
      if (columns.equals(allColumns())) {
        return lines; // byte for byte
      }
      List<String> reduced = new ArrayList<>(lines.size());
      for (String line : lines) {
        ObjectNode row = (ObjectNode) JSON.readTree(line);
        ObjectNode kept = JSON.createObjectNode();
        for (String column : columns) {
          kept.set(column, row.get(column));
        }
        reduced.add(JSON.writeValueAsString(kept));
      }
      return reduced;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The oracle's filters: SQL text, expected row count and SHA-256 of the expected lines. */
  List<JsonNode> filters() {
    List<JsonNode> filters = new ArrayList<>();
    meta.get("filters").forEach(filters::add);
    return filters;
  }

  /** Lines re-encoded through Jackson, so both sides compare in the same JSON spelling. */
  static List<String> normalized(List<String> lines) {
    List<String> result = new ArrayList<>(lines.size());
    try {
      for (String line : lines) {
        result.add(JSON.writeValueAsString(JSON.readTree(line)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }

  static String sha256(List<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
