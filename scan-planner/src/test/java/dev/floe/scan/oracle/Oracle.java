package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.io.MetadataTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Assumptions;

/**
 * One oracle table of {@code shared/oracle}: its meta file, its expected lines, and the table
 * itself read in place through a prefix-mapping FileIO. The oracle folder comes from the system
 * property {@code floe.oracle.dir} (set by the build), else from the nearest {@code shared/oracle}
 * above the working directory; without it the oracle tests are skipped, not passed.
 */
final class Oracle {
  /** The prefix every path inside the oracle's metadata, manifests and delete files starts with. */
  static final String ORIGINAL_ROOT = "/iceberg-oracle/tables";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Path dir;
  private final JsonNode meta;

  private Oracle(String name, Path dir, JsonNode meta) {
    this.name = name;
    this.dir = dir;
    this.meta = meta;
  }

  /** The oracle table {@code name}, or a skipped test if the oracle folder is absent. */
  static Oracle load(String name) {
    Path dir = locate();
    Assumptions.assumeTrue(
        dir != null,
        "Oracle tables not found: set -Dfloe.oracle.dir or put shared/oracle above the working"
            + " directory");
    try {
      JsonNode meta = JSON.readTree(dir.resolve("expected/" + name + ".meta.json").toFile());
      return new Oracle(name, dir, meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    String property = System.getProperty("floe.oracle.dir");
    if (property != null && isOracle(Path.of(property))) {
      return Path.of(property).toAbsolutePath().normalize();
    }
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      Path candidate = at.resolve("shared/oracle");
      if (isOracle(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean isOracle(Path dir) {
    return Files.isDirectory(dir.resolve("tables")) && Files.isDirectory(dir.resolve("expected"));
  }

  String name() {
    return name;
  }

  JsonNode meta() {
    return meta;
  }

  /** The folder the oracle's table paths ({@link #ORIGINAL_ROOT}) are mapped to. */
  Path tablesDir() {
    return dir.resolve("tables");
  }

  /** The table at its current metadata, every path mapped into this folder's {@code tables}. */
  Table table() {
    String metadata = meta.get("current_metadata_file").asText();
    Table table = MetadataTables.loadTable(metadata, Map.of(ORIGINAL_ROOT, tablesDir().toString()));
    assertThat(table.currentSnapshot().snapshotId())
        .as("current snapshot of %s", name)
        .isEqualTo(meta.get("current_snapshot_id").asLong());
    return table;
  }

  /** The metadata version the table's version-hint.text names, as a Hadoop catalog would load. */
  String versionHintMetadata() {
    try {
      Path tableDir = dir.resolve(meta.get("relative_location").asText());
      String version = Files.readString(tableDir.resolve("metadata/version-hint.text")).trim();
      return meta.get("table_location").asText() + "/metadata/v" + version + ".metadata.json";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every expected line, sorted by id, after checking the file's hash against the meta file. */
  List<String> expectedLines() {
    try {
      Path file = dir.resolve("expected/" + name + ".jsonl");
      byte[] bytes = Files.readAllBytes(file);
      assertThat(sha256(bytes))
          .as("sha256 of %s", file)
          .isEqualTo(meta.get("jsonl_sha256").asText());
      List<String> lines = List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      assertThat(lines).hasSize(meta.get("row_count").asInt());
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 (hex) of the lines, each followed by a newline, as the meta files compute it. */
  static String sha256(List<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    return sha256(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
