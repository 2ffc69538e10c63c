package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  /**
   * The types table, nested columns included, exported whole byte for byte, with each filter of its
   * meta file ({@code st IS NULL} among them) and with a nested path in {@code --select} and {@code
   * --filter}.
   */
  @TestFactory
  Stream<DynamicTest> typesTableMatchesSpark() throws IOException {
    Path oracle = oracle();
    JsonNode meta = JSON.readTree(oracle.resolve("expected/types.meta.json").toFile());
    String metadataFile = meta.get("current_metadata_file").asText();
    byte[] expected = Files.readAllBytes(oracle.resolve("expected/types.jsonl"));
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(
        DynamicTest.dynamicTest(
            "types whole",
            () -> assertThat(sortedExport(oracle, metadataFile)).isEqualTo(expected)));
    for (JsonNode filter : meta.get("filters")) {
      String where = filter.get("sql_where").asText();
      tests.add(
          DynamicTest.dynamicTest(
              "types WHERE " + where,
              () -> {
                byte[] lines = sortedExport(oracle, metadataFile, "--filter", where);
                assertThat(lines).asString().hasLineCount(filter.get("row_count").asInt());
                assertThat(sha256(lines)).isEqualTo(filter.get("jsonl_sha256").asText());
              }));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "types --select id,st.a --filter 'st.a > 0'",
            () -> {
              List<String> actual =
                  new String(
                          sortedExport(
                              oracle, metadataFile, "--select", "id,st.a", "--filter", "st.a > 0"),
                          StandardCharsets.UTF_8)
                      .lines()
                      .toList();
              List<String> wanted = new ArrayList<>();
              for (String line :
                  Files.readAllLines(
                      oracle.resolve("expected/types.jsonl"), StandardCharsets.UTF_8)) {
                JsonNode row = JSON.readTree(line);
                JsonNode a = row.get("st").isNull() ? null : row.get("st").get("a");
                if (a != null && !a.isNull() && a.asLong() > 0) {
                  wanted.add(
                      "{\"id\":" + row.get("id").asText() + ",\"st\":{\"a\":" + a.asText() + "}}");
                }
              }
              assertThat(wanted).isNotEmpty();
              assertThat(actual).isEqualTo(wanted);
            }));
    return tests.stream();
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
