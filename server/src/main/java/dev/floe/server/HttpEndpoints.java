package dev.floe.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.floe.cli.ScanArguments.ResolvedScan;
import dev.floe.export.CanonicalJson;
import dev.floe.scan.RecordBatchStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The HTTP side, for curl and browsers: {@code GET /tables} (a JSON array of identifiers), {@code
 * GET /scan?table=&select=&filter=&limit=&snapshot_id=&batch_size=&format=ndjson|arrow} streamed
 * with chunked transfer encoding as it is read, {@code GET /metrics} in Prometheus text.
 *
 * <p>A scan writes each batch to the connection before reading the next, so a slow client slows the
 * scan (the write blocks) and a client that disconnects makes the next write fail, which closes the
 * scan. A failure after the first byte cannot change the status any more: the connection is then
 * closed without the final chunk, so the client sees a truncated response (curl: exit 18), never a
 * complete-looking one.
 */
final class HttpEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SCAN_PARAMETERS =
      Set.of("table", "select", "filter", "limit", "snapshot_id", "batch_size", "format");

  private final Scans scans;
  private final ScanSlots slots;
  private final ServerMetrics metrics;
  private final byte[] token;

  HttpEndpoints(Scans scans, ScanSlots slots, ServerMetrics metrics, String token) {
    this.scans = requireNonNull(scans, "scans is null");
    this.slots = requireNonNull(slots, "slots is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.token = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  HttpHandler tables() {
    return exchange -> handle(exchange, this::tables);
  }

  HttpHandler scan() {
    return exchange -> handle(exchange, this::scan);
  }

  HttpHandler metrics() {
    return exchange -> handle(exchange, this::metrics);
  }

  private interface Endpoint {
    void serve(HttpExchange exchange) throws IOException;
  }

  private void handle(HttpExchange exchange, Endpoint endpoint) throws IOException {
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        text(exchange, 405, "Invalid method: " + exchange.getRequestMethod() + ", expected GET");
      } else if (!authorized(exchange)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        text(exchange, 401, "Invalid or missing token: send Authorization: Bearer TOKEN");
      } else {
        endpoint.serve(exchange);
      }
    } catch (StreamingFailure e) {
      // After the headers: leave the exchange unclosed, so the server closes the connection
      // without the final chunk and the client sees a truncated body, not a complete one.
      throw e.io;
    } catch (IOException | RuntimeException e) {
      Failure failure = Failure.of(e);
      text(exchange, failure.kind().httpStatus(), failure.message());
    }
    exchange.close();
  }

  private boolean authorized(HttpExchange exchange) {
    if (token == null) {
      return true;
    }
    String given = exchange.getRequestHeaders().getFirst("Authorization");
    return given != null
        && MessageDigest.isEqual(token, given.strip().getBytes(StandardCharsets.UTF_8));
  }

  private void tables(HttpExchange exchange) throws IOException {
    ArrayNode names = JSON.createArrayNode();
    for (TableIdentifier id : scans.tables().list()) {
      names.add(id.toString());
    }
    byte[] body = (names + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  private void metrics(HttpExchange exchange) throws IOException {
    byte[] body = metrics.prometheus().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
  }

  private void scan(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String format = query.getOrDefault("format", "ndjson");
    if (!format.equals("ndjson") && !format.equals("arrow")) {
      throw new ScanRequest.RequestException(
          "Invalid format: " + format + ", expected ndjson or arrow");
    }
    String table = query.get("table");
    if (table == null) {
      throw new ScanRequest.RequestException("Invalid request: the table parameter is missing");
    }
    ScanRequest request =
        new ScanRequest(
            table,
            columns(query.get("select")),
            query.get("filter"),
            number(query, "snapshot_id"),
            query.containsKey("batch_size")
                ? (int) Math.min(Integer.MAX_VALUE, number(query, "batch_size"))
                : ScanRequest.DEFAULT_BATCH_SIZE,
            null,
            number(query, "limit"));
    ResolvedScan resolved = scans.resolve(request);
    try (ScanSlots.Slot slot = slots.acquire(resolved.table().name());
        RecordBatchStream stream = resolved.open(request.batchSize(), slot.allocator())) {
      VectorSchemaRoot root = stream.getVectorSchemaRoot();
      boolean arrow = format.equals("arrow");
      exchange
          .getResponseHeaders()
          .set(
              "Content-Type",
              arrow ? "application/vnd.apache.arrow.stream" : "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      CountingOutput out = new CountingOutput(exchange.getResponseBody());
      try {
        if (arrow) {
          arrow(stream, root, out);
        } else {
          ndjson(stream, root, out);
        }
      } catch (IOException e) {
        // the client went away (or the connection broke): the scan is closed below
        metrics.cancelled();
        throw new StreamingFailure(e);
      } catch (RuntimeException e) {
        metrics.failed();
        throw new StreamingFailure(new IOException(Failure.of(e).message(), e));
      } finally {
        metrics.httpServed(stream.rowsRead(), out.count);
      }
    }
  }

  private static void ndjson(RecordBatchStream stream, VectorSchemaRoot root, OutputStream out)
      throws IOException {
    CanonicalJson json = CanonicalJson.forSchema(stream.icebergSchema());
    Writer writer =
        new OutputStreamWriter(new BufferedOutputStream(out, 1 << 16), StandardCharsets.UTF_8);
    StringBuilder line = new StringBuilder(256);
    while (stream.loadNextBatch()) {
      for (int row = 0; row < root.getRowCount(); row++) {
        line.setLength(0);
        json.append(line, root, row);
        line.append('\n');
        writer.append(line);
      }
      writer.flush(); // the batch goes out before the next one is read
    }
    writer.flush();
  }

  private static void arrow(RecordBatchStream stream, VectorSchemaRoot root, OutputStream out)
      throws IOException {
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    try (ArrowStreamWriter writer =
        new ArrowStreamWriter(
            root, new DictionaryProvider.MapDictionaryProvider(), Channels.newChannel(buffered))) {
      writer.start();
      while (stream.loadNextBatch()) {
        writer.writeBatch();
        buffered.flush();
      }
      writer.end();
      buffered.flush();
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!SCAN_PARAMETERS.contains(name)) {
        List<String> known = new ArrayList<>(SCAN_PARAMETERS);
        known.sort(null);
        throw new ScanRequest.RequestException(
            "Invalid parameter: " + name + ", expected one of " + known);
      }
      if (parameters.put(name, value) != null) {
        throw new ScanRequest.RequestException("Invalid parameter: " + name + " given twice");
      }
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ScanRequest.RequestException("Invalid query: " + e.getMessage());
    }
  }

  private static List<String> columns(String select) {
    if (select == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (String name : select.split(",", -1)) {
      if (name.isBlank()) {
        throw new ScanRequest.RequestException(
            "Invalid select: '" + select + "' has an empty column name, expected COLUMN,...");
      }
      names.add(name.strip());
    }
    return names;
  }

  private static Long number(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new ScanRequest.RequestException(
          "Invalid " + name + ": " + value + ", expected an integer");
    }
  }

  private static void text(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** A failure after the response started: only closing the connection can tell the client. */
  private static final class StreamingFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final IOException io;

    StreamingFailure(IOException io) {
      super(io);
      this.io = io;
    }
  }

  private static final class CountingOutput extends java.io.FilterOutputStream {
    private long count;

    CountingOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
