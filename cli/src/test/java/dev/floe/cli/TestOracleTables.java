package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Spark-written oracle tables of {@code ../shared/oracle/}, read in place by their metadata
 * files with {@code --rewrite-prefix}, exported as canonical JSON Lines and compared byte for byte
 * with what Spark read — the whole table, and each {@code sql_where} of the meta file given to
 * {@code --filter} (which checks the SQL translation against Spark's semantics).
 */
class TestOracleTables {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORIGINAL_PREFIX = "/iceberg-oracle/tables";
  private static final List<String> TYPES_PRIMITIVES =
      List.of(
          "id",
          "b",
          "i",
          "l",
          "f",
          "d",
          "dec_9_2",
          "dec_18_6",
          "dec_38_10",
          "s",
          "bin",
          "fix",
          "u",
          "dt",
          "ts",
          "ts_ntz",
          "req_s");

  private static Path oracle() {
    String configured = System.getProperty("floe.oracle.dir");
    Path dir = configured == null ? Path.of("../../shared/oracle") : Path.of(configured);
    assumeTrue(Files.isDirectory(dir.resolve("expected")), "oracle tables not found at " + dir);
    return dir.toAbsolutePath().normalize();
  }

  @TestFactory
  Stream<DynamicTest> rowLevelDeleteTablesMatchSpark() throws IOException {
    Path oracle = oracle();
    List<DynamicTest> tests = new ArrayList<>();
    for (String table : List.of("v2_parquet_posdel", "v3_orc_dv")) {
      JsonNode meta = JSON.readTree(oracle.resolve("expected/" + table + ".meta.json").toFile());
      String metadataFile = meta.get("current_metadata_file").asText();
      byte[] expected = Files.readAllBytes(oracle.resolve("expected/" + table + ".jsonl"));
      tests.add(
          DynamicTest.dynamicTest(
              table + " by its original metadata location",
              () -> assertThat(sortedExport(oracle, metadataFile)).isEqualTo(expected)));
      tests.add(
          DynamicTest.dynamicTest(
              table + " by its table directory",
              () ->
                  assertThat(sortedExport(oracle, oracle.resolve("tables/db/" + table).toString()))
                      .isEqualTo(expected)));
      for (JsonNode filter : meta.get("filters")) {
        String where = filter.get("sql_where").asText();
        tests.add(
            DynamicTest.dynamicTest(
                table + " WHERE " + where,
                () -> {
                  byte[] lines = sortedExport(oracle, metadataFile, "--filter", where);
                  assertThat(lines).asString().hasLineCount(filter.get("row_count").asInt());
                  assertThat(sha256(lines)).isEqualTo(filter.get("jsonl_sha256").asText());
                }));
      }
    }
    return tests.stream();
  }

  /** The types table has nested columns Floe does not read yet; its primitive ones match Spark. */
  @Test
  void typesTablePrimitiveColumnsMatchSpark() throws IOException {
    Path oracle = oracle();
    JsonNode meta = JSON.readTree(oracle.resolve("expected/types.meta.json").toFile());
    String metadataFile = meta.get("current_metadata_file").asText();
    Cli.Result nested = export(oracle, metadataFile);
    assertThat(nested.exit()).isEqualTo(2);
    assertThat(nested.stderr()).contains("nested types");

    byte[] exported =
        sortedExport(oracle, metadataFile, "--select", String.join(",", TYPES_PRIMITIVES));
    List<String> actual = new String(exported, StandardCharsets.UTF_8).lines().toList();
    List<String> expected =
        Files.readAllLines(oracle.resolve("expected/types.jsonl"), StandardCharsets.UTF_8);
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      ObjectNode spark = (ObjectNode) JSON.readTree(expected.get(i));
      spark.retain(TYPES_PRIMITIVES);
      assertThat(JSON.readTree(actual.get(i))).as(actual.get(i)).isEqualTo(spark);
    }
  }

  private static Cli.Result export(Path oracle, String table, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "export",
                table,
                "--rewrite-prefix",
                ORIGINAL_PREFIX + "=" + oracle.resolve("tables"),
                "--format",
                "jsonl",
                "-"));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(new String[0]));
  }

  /** The export's lines sorted by id, as the oracle's expected files are. */
  private static byte[] sortedExport(Path oracle, String table, String... options) {
    Cli.Result result = export(oracle, table, options);
    assertThat(result.exit()).as(result.toString()).isZero();
    List<String> lines = new ArrayList<>(result.out().lines().toList());
    lines.sort(Comparator.comparingLong(TestOracleTables::id));
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long id(String line) {
    assertThat(line).startsWith("{\"id\":");
    int end = line.indexOf(',');
    return Long.parseLong(line.substring(6, end < 0 ? line.length() - 1 : end));
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
