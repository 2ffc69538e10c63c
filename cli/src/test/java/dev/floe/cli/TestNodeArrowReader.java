package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code floe export --format arrow -} piped into a program that reads Arrow IPC streams with an
 * Arrow implementation not written in Java: the {@code apache-arrow} npm package under Node.js.
 * Runs when {@code node} and {@code npm} are on the PATH; installs the package once into {@code
 * target/npm-apache-arrow}.
 */
class TestNodeArrowReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PREFIX = Path.of("target", "npm-apache-arrow").toAbsolutePath();
  private static final List<String> COLUMNS = List.of("id", "i", "d", "s", "b", "dt", "tstz");

  /** Reads the stream batch by batch from stdin; prints the schema, row count and raw values. */
  private static final String SCRIPT =
      """
      import { RecordBatchReader } from 'apache-arrow';
      const reader = await RecordBatchReader.from(process.stdin);
      await reader.open();
      const out = { batches: 0, rows: 0, values: [],
        fields: reader.schema.fields.map(f => `${f.name}:${f.type}:${f.nullable}`) };
      const text = (v) => v === null || v === undefined ? null
        : (typeof v === 'number' && Object.is(v, -0)) ? '-0' : String(v);
      for await (const batch of reader) {
        out.batches += 1;
        out.rows += batch.numRows;
        const columns = batch.schema.fields.map((f, k) => batch.getChildAt(k));
        for (let i = 0; i < batch.numRows; i++) {
          out.values.push(columns.map((column) => {
            if (!column.isValid(i)) return null;
            const type = String(column.type);
            if (type.startsWith('Timestamp') || type.startsWith('Date')) {
              const data = column.data[0];
              return String(data.values[data.offset + i]); // raw micros / days
            }
            return text(column.get(i));
          }));
        }
      }
      console.log(JSON.stringify(out));
      """;

  @Test
  void nodeReadsTheIpcStreamFromAPipe() throws Exception {
    assumeTrue(works("node", "--version"), "node is not installed");
    assumeTrue(works("npm", "--version"), "npm is not installed");
    installApacheArrow();
    Path script = PREFIX.resolve("read-stream.mjs");
    Files.writeString(script, SCRIPT);

    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> floe =
        new ArrayList<>(
            List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.floe.cli.Floe",
                "export",
                TestWarehouse.ALL_TYPES,
                "--select",
                String.join(",", COLUMNS),
                "--batch-size",
                "333",
                "--format",
                "arrow",
                "-q",
                "-"));
    floe.addAll(List.of(TestWarehouse.catalogArgs()));
    List<Process> pipeline =
        ProcessBuilder.startPipeline(
            List.of(
                new ProcessBuilder(floe).redirectError(ProcessBuilder.Redirect.INHERIT),
                new ProcessBuilder("node", script.toString())
                    .directory(PREFIX.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)));
    Process node = pipeline.get(1);
    byte[] output = node.getInputStream().readAllBytes();
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(pipeline.get(0).waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(pipeline.get(0).exitValue()).as("floe exit").isZero();
    assertThat(node.exitValue()).as("node exit").isZero();

    JsonNode result = JSON.readTree(new String(output, StandardCharsets.UTF_8));
    ScanReference expected =
        ScanReference.of(
            TestWarehouse.load(TestWarehouse.ALL_TYPES),
            scan -> scan.select(COLUMNS.toArray(new String[0])));
    assertThat(result.get("rows").asInt()).isEqualTo(expected.rows().size());
    // batches end at file ends too, so there are at least rows / 333 of them
    assertThat(result.get("batches").asInt())
        .isGreaterThanOrEqualTo((expected.rows().size() + 332) / 333);
    List<String> fields = new ArrayList<>();
    result.get("fields").forEach(field -> fields.add(field.asText()));
    assertThat(fields)
        .containsExactly(
            "id:Int64:false",
            "i:Int32:true",
            "d:Float64:true",
            "s:Utf8:true",
            "b:Bool:true",
            "dt:Date32<DAY>:true",
            "tstz:Timestamp<MICROSECOND, UTC>:true");
    List<String> actual = new ArrayList<>();
    for (JsonNode row : result.get("values")) {
      List<Object> values = new ArrayList<>();
      values.add(Long.parseLong(row.get(0).asText()));
      values.add(row.get(1).isNull() ? null : Integer.parseInt(row.get(1).asText()));
      values.add(
          row.get(2).isNull()
              ? null
              : ScanReference.normalize(Double.parseDouble(row.get(2).asText())));
      values.add(row.get(3).isNull() ? null : row.get(3).asText());
      values.add(row.get(4).isNull() ? null : Boolean.parseBoolean(row.get(4).asText()));
      values.add(row.get(5).isNull() ? null : Integer.parseInt(row.get(5).asText()));
      values.add(row.get(6).isNull() ? null : Long.parseLong(row.get(6).asText()));
      actual.add(values.toString());
    }
    List<String> wanted = expected.rows().stream().map(Object::toString).sorted().toList();
    assertThat(actual.stream().sorted().toList()).isEqualTo(wanted);
  }

  private static void installApacheArrow() throws IOException, InterruptedException {
    if (Files.isDirectory(PREFIX.resolve("node_modules/apache-arrow"))) {
      return;
    }
    Files.createDirectories(PREFIX);
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--prefix",
                PREFIX.toString(),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "apache-arrow")
            .redirectErrorStream(true)
            .start();
    String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = npm.waitFor(5, TimeUnit.MINUTES);
    assumeTrue(
        done && npm.exitValue() == 0, "cannot install apache-arrow from the npm registry: " + log);
  }

  private static boolean works(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
