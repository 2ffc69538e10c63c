package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.export.CanonicalJson;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /tables}, {@code /scan} as NDJSON and as an Arrow IPC stream (read back with Arrow
 * Java), {@code /metrics}, the errors as HTTP statuses, and a client that disconnects mid-stream.
 */
class TestHttpEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path warehouse;
  private static FloeServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Fixtures.events(
          home.catalog(),
          TableIdentifier.parse("db.events"),
          FixtureOptions.defaults().withRows(300_000));
      Fixtures.deletes(
          home.catalog(), TableIdentifier.parse("db.deletes"), FixtureOptions.defaults());
    }
    server = Servers.start(Servers.options(), warehouse);
  }

  @AfterAll
  static void stop() throws Exception {
    TestFlightStreaming.awaitIdle(server);
    server.close();
  }

  @Test
  void tablesListsTheCatalog() throws Exception {
    HttpResponse<String> response = get("/tables");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JSON.readTree(response.body()).toString())
        .isEqualTo("[\"db.deletes\",\"db.events\"]");
  }

  @Test
  void ndjsonIsTheCanonicalEncodingOfSparksRows() throws Exception {
    for (String name : List.of("v2_parquet_posdel", "v3_orc_dv")) {
      OracleTable oracle = OracleTable.load(name);
      HttpResponse<String> response = get("/scan?table=" + encode(oracle.reference()));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
      assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
      assertThat(sortedById(response.body().lines().toList()))
          .isEqualTo(oracle.expectedLines(oracle.allColumns()));
      for (JsonNode filter : oracle.filters()) {
        String where = filter.get("sql_where").asText();
        List<String> lines =
            sortedById(
                get("/scan?table=" + encode(oracle.reference()) + "&filter=" + encode(where))
                    .body()
                    .lines()
                    .toList());
        assertThat(lines).as(where).hasSize(filter.get("row_count").asInt());
        assertThat(OracleTable.sha256(lines)).isEqualTo(filter.get("jsonl_sha256").asText());
      }
    }
  }

  @Test
  void selectLimitAndSnapshot() throws Exception {
    OracleTable oracle = OracleTable.load("v2_parquet_posdel");
    long snapshot = oracle.meta().get("current_snapshot_id").asLong();
    HttpResponse<String> response =
        get(
            "/scan?table="
                + encode(oracle.reference())
                + "&select="
                + encode("qty, id")
                + "&limit=7&snapshot_id="
                + snapshot);
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> lines = response.body().lines().toList();
    assertThat(lines).hasSize(7);
    assertThat(lines).allSatisfy(line -> assertThat(line).matches("\\{\"qty\":.*,\"id\":\\d+}"));
  }

  @Test
  void arrowIpcReadsBackWithArrowJava() throws Exception {
    OracleTable oracle = OracleTable.load("v3_orc_dv");
    HttpResponse<InputStream> response =
        HTTP.send(
            request("/scan?format=arrow&table=" + encode(oracle.reference())),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.apache.arrow.stream");
    Schema schema = Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
    CanonicalJson json = CanonicalJson.forSchema(schema);
    List<String> lines = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        InputStream body = response.body();
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        BigIntVector ids = (BigIntVector) root.getVector("id");
        for (int row = 0; row < root.getRowCount(); row++) {
          assertThat(ids.isNull(row)).isFalse();
          lines.add(json.line(root, row));
        }
      }
    }
    assertThat(sortedById(lines)).isEqualTo(oracle.expectedLines(oracle.allColumns()));
  }

  @Test
  void errorsAreHttpStatusesWithFloesMessage() throws Exception {
    HttpResponse<String> missing = get("/scan?table=db.nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("Table does not exist: db.nope");
    HttpResponse<String> filter = get("/scan?table=db.events&filter=" + encode("id <> AND"));
    assertThat(filter.statusCode()).isEqualTo(400);
    assertThat(filter.body()).contains("at position");
    HttpResponse<String> column = get("/scan?table=db.events&select=id,nope");
    assertThat(column.statusCode()).isEqualTo(400);
    assertThat(column.body()).contains("nope");
    assertThat(get("/scan?table=db.events&format=csv").statusCode()).isEqualTo(400);
    assertThat(get("/scan?table=db.events&colour=red").body())
        .contains("Invalid parameter: colour");
    assertThat(get("/scan?table=db.events&limit=ten").body()).contains("Invalid limit: ten");
    assertThat(get("/scan").body()).contains("table parameter is missing");
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(server.httpUrl() + "/tables"))
                        .DELETE()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void aClientThatDisconnectsMidStreamCancelsTheScan() throws Exception {
    long cancelledBefore = server.metrics().cancelledScans();
    URI uri = URI.create(server.httpUrl());
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /scan?table=db.events&batch_size=1000 HTTP/1.1\r\nHost: localhost\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(64 * 1024);
      assertThat(new String(head, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
      assertThat(server.openScans()).isEqualTo(1);
    } // closed with most of the body unread
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline && server.openScans() > 0) {
      Thread.sleep(10);
    }
    assertThat(server.openScans()).isZero();
    assertThat(server.metrics().cancelledScans()).isEqualTo(cancelledBefore + 1);
    assertThat(server.metrics().rowsServed()).isLessThan(300_000);
    assertThat(server.allocator().getAllocatedMemory()).isZero();
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    get("/scan?table=db.deletes&limit=3");
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    assertThat(response.body())
        .contains("# TYPE floe_open_scans gauge\nfloe_open_scans ")
        .contains("# TYPE floe_allocated_bytes gauge\n")
        .contains("floe_rows_served_total{protocol=\"http\"} ")
        .contains("floe_bytes_served_total{protocol=\"flight\"} ");
    for (String line : response.body().lines().toList()) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{protocol=\"[a-z]+\"})? \\d+");
    }
  }

  private static List<String> sortedById(List<String> lines) {
    List<String> sorted = new ArrayList<>(lines);
    sorted.sort(Comparator.comparingLong(TestHttpEndpoints::id));
    return sorted;
  }

  private static long id(String line) {
    int start = line.indexOf("\"id\":") + 5;
    int end = start;
    while (end < line.length()
        && (Character.isDigit(line.charAt(end)) || line.charAt(end) == '-')) {
      end++;
    }
    return Long.parseLong(line.substring(start, end));
  }

  private static HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).build();
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
