package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DoGet under a slow, a cancelling and many concurrent clients, and the scan limit: the server
 * reads only as fast as the client takes batches, frees everything within a second of a cancel, and
 * serves 16 clients at once on two cores correctly.
 */
class TestFlightStreaming {
  static final String EVENTS = "db.events";
  static final int ROWS = 200_000;
  static final int BATCH = 2_000;

  /**
   * The bound on the server's Arrow memory while a slow client holds one scan: the reused batch
   * (~2,000 rows x 9 columns, well under 1 MiB) plus one open row group, with room to spare; a
   * server that read ahead into a queue would hold the whole split (tens of MiB).
   */
  static final long SLOW_CLIENT_BOUND_BYTES = 8L << 20;

  @TempDir static Path warehouse;

  @BeforeAll
  static void eventsTable() throws IOException {
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Fixtures.events(
          home.catalog(),
          TableIdentifier.parse(EVENTS),
          FixtureOptions.defaults().withRows(ROWS).withRowGroupBytes(8L << 20));
    }
  }

  @Test
  void aSlowClientKeepsTheServersMemoryBoundedAndItsReadsBehind() throws Exception {
    try (FloeServer server = Servers.start(Servers.options(), warehouse);
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = Servers.client(allocator, server)) {
      FlightInfo info =
          client.getInfo(
              Flights.command(EVENTS, "batch_size", BATCH, "target_split_bytes", 1L << 40));
      assertThat(info.getEndpoints()).hasSize(1);
      long peak = 0;
      long consumed = 0;
      long[] served = new long[4];
      long[] taken = new long[4];
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        for (int second = 0; second < 4; second++) {
          assertThat(stream.next()).isTrue();
          consumed += stream.getRoot().getRowCount();
          for (int sample = 0; sample < 10; sample++) {
            peak = Math.max(peak, server.allocator().getAllocatedMemory());
            Thread.sleep(100); // one batch per second
          }
          served[second] = server.metrics().rowsServed();
          taken[second] = consumed;
        }
        stream.cancel("enough", null);
      }
      System.out.printf(
          "slow client: took %,d rows in 4 s; server had sent %,d / %,d / %,d / %,d of %,d rows"
              + " after each second; peak server Arrow memory %,d bytes%n",
          consumed, served[0], served[1], served[2], served[3], ROWS, peak);
      assertThat(peak).isPositive().isLessThan(SLOW_CLIENT_BOUND_BYTES);
      // Ahead of the client by gRPC's flow-control window only, which fills in the first second;
      // after that the server sends a batch only when the client has taken one.
      assertThat(served[3]).isLessThan(ROWS);
      assertThat(served[3] - served[1]).isLessThanOrEqualTo(taken[3] - taken[1] + 2L * BATCH);
      awaitIdle(server);
    }
  }

  @Test
  void aClientThatCancelsAfterTheFirstBatchFreesTheScanWithinASecond() throws Exception {
    try (FloeServer server = Servers.start(Servers.options(), warehouse);
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = Servers.client(allocator, server)) {
      FlightInfo info =
          client.getInfo(
              Flights.command(EVENTS, "batch_size", BATCH, "target_split_bytes", 1L << 40));
      long baseline = server.allocator().getAllocatedMemory();
      long cancelledAt;
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(stream.next()).isTrue();
        assertThat(server.openScans()).isEqualTo(1);
        assertThat(Servers.threads("floe-scan-")).hasSize(1);
        stream.cancel("first batch is enough", null);
        cancelledAt = System.nanoTime();
      }
      long freedAfter = -1;
      while (System.nanoTime() - cancelledAt < 2_000_000_000L) {
        if (server.openScans() == 0
            && server.allocator().getAllocatedMemory() == baseline
            && Servers.threads("floe-scan-").isEmpty()) {
          freedAfter = (System.nanoTime() - cancelledAt) / 1_000_000;
          break;
        }
        Thread.sleep(5);
      }
      System.out.printf("cancel: scan freed %d ms after the client cancelled%n", freedAfter);
      assertThat(freedAfter).as("ms until freed").isBetween(0L, 1000L);
      assertThat(server.metrics().cancelledScans()).isEqualTo(1);
    }
  }

  @Test
  void sixteenConcurrentClientsEachReadTheWholeTable() throws Exception {
    OracleTable oracle = OracleTable.load("v2_parquet_posdel");
    List<String> expected = oracle.expectedLines(oracle.allColumns());
    Schema schema = Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
    int clients = 16;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (FloeServer server = Servers.start(Servers.options(), warehouse);
        BufferAllocator allocator = new RootAllocator()) {
      List<Callable<List<String>>> reads = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int batch = 1000 + 37 * i;
        reads.add(
            () -> {
              try (BufferAllocator own = allocator.newChildAllocator("client", 0, Long.MAX_VALUE);
                  FlightClient client = Servers.client(own, server)) {
                FlightInfo info =
                    client.getInfo(
                        Flights.command(
                            oracle.reference(),
                            "batch_size",
                            batch,
                            "target_split_bytes",
                            64 * 1024));
                return Flights.readAll(client, info, schema);
              }
            });
      }
      List<Future<List<String>>> results = pool.invokeAll(reads);
      for (Future<List<String>> result : results) {
        assertThat(result.get()).isEqualTo(expected);
      }
      awaitIdle(server);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void beyondMaxScansFlightAndHttpAreRefused() throws Exception {
    try (FloeServer server = Servers.start(Servers.options().withMaxScans(1), warehouse);
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = Servers.client(allocator, server)) {
      FlightInfo info =
          client.getInfo(
              Flights.command(EVENTS, "batch_size", BATCH, "target_split_bytes", 1L << 40));
      HttpClient http = HttpClient.newHttpClient();
      URI scan = URI.create(server.httpUrl() + "/scan?table=" + EVENTS + "&limit=5");
      try (FlightStream held = client.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(held.next()).isTrue(); // the one scan allowed, held open by a client
        assertThatThrownBy(
                () -> {
                  try (FlightStream second =
                      client.getStream(info.getEndpoints().get(0).getTicket())) {
                    second.next();
                  }
                })
            .isInstanceOfSatisfying(
                FlightRuntimeException.class,
                e -> {
                  assertThat(e.status().code()).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);
                  assertThat(e.status().description()).contains("--max-scans");
                });
        HttpResponse<String> busy =
            http.send(HttpRequest.newBuilder(scan).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.body()).contains("1 scans are open");
        held.cancel("done", null);
      }
      awaitIdle(server);
      HttpResponse<InputStream> ok =
          http.send(
              HttpRequest.newBuilder(scan).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(ok.statusCode()).isEqualTo(200);
      try (InputStream body = ok.body()) {
        assertThat(new String(body.readAllBytes()).lines()).hasSize(5);
      }
      assertThat(server.metrics().prometheus()).contains("floe_scans_refused_total 2");
    }
  }

  /** Waits (up to 5 s) until no scan is open and the server holds no Arrow memory. */
  static void awaitIdle(FloeServer server) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline
        && (server.openScans() > 0
            || server.allocator().getAllocatedMemory() > 0
            || !Servers.threads("floe-scan-").isEmpty())) {
      Thread.sleep(10);
    }
    assertThat(server.openScans()).isZero();
    assertThat(server.allocator().getAllocatedMemory()).isZero();
    assertThat(Servers.threads("floe-scan-")).isEmpty();
  }
}
