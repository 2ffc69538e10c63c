package dev.floe.bench;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Rows per second that {@code floe serve} streams to 1, 4 and 16 concurrent Arrow Flight clients on
 * loopback, and the server's peak RSS. The server runs in a child JVM ({@code floe serve}, as a
 * user starts it, with {@code -Xmx} as given); the clients run here, each with its own connection,
 * each reading the whole table (GetFlightInfo, then every endpoint in turn). Not a test: figures
 * for the README.
 *
 * <p>Usage: {@code ServeBenchmark [rows] [rounds] [cacheDir] [serverXmx]}.
 */
public final class ServeBenchmark {
  private static final String TABLE = "bench.serve_events";
  private static final int BATCH = 10_000;
  private static final int[] CLIENTS = {1, 4, 16};
  private static final Pattern FLIGHT = Pattern.compile("Flight listening on grpc://[^:]+:(\\d+)");

  private ServeBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path cache = Path.of(args.length > 2 ? args[2] : "benchmarks/target/tables").resolve("serve");
    String xmx = args.length > 3 ? args[3] : "1g";
    createTable(cache, rows);
    Process server = startServer(cache, xmx);
    try {
      int port = port(server);
      System.out.printf(
          "%n## floe serve: %s (%,d rows, events fixture, Parquet), batch %d, server -Xmx%s,"
              + " %d cores%n%n",
          TABLE, rows, BATCH, xmx, Runtime.getRuntime().availableProcessors());
      System.out.println(
          "| clients | rows/s served (median of "
              + rounds
              + ") | MiB/s | server peak RSS so far |");
      System.out.println("| ---: | ---: | ---: | ---: |");
      try (BufferAllocator allocator = new RootAllocator()) {
        Location location = Location.forGrpcInsecure("127.0.0.1", port);
        readAll(allocator, location, 1); // warm up the server's JIT and the table's metadata
        for (int clients : CLIENTS) {
          double[] rowRates = new double[rounds];
          double[] byteRates = new double[rounds];
          for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            long[] totals = readAll(allocator, location, clients);
            double seconds = (System.nanoTime() - start) / 1e9;
            rowRates[round] = totals[0] / seconds;
            byteRates[round] = totals[1] / seconds / (1 << 20);
            if (totals[0] != clients * countRows(allocator, location)) {
              throw new IllegalStateException("clients read " + totals[0] + " rows in all");
            }
          }
          System.out.printf(
              "| %d | %,.0f | %,.0f | %,d MiB |%n",
              clients, median(rowRates), median(byteRates), peakRssKib(server) / 1024);
        }
      }
    } finally {
      server.destroy();
      server.waitFor(30, TimeUnit.SECONDS);
      server.destroyForcibly();
    }
  }

  private static void createTable(Path cache, long rows) throws IOException {
    Files.createDirectories(cache);
    try (Warehouse warehouse = Warehouse.sqlite(cache)) {
      Catalog catalog = warehouse.catalog();
      TableIdentifier id = TableIdentifier.parse(TABLE);
      if (catalog.tableExists(id)
          && catalog.loadTable(id).currentSnapshot() != null
          && Long.parseLong(catalog.loadTable(id).currentSnapshot().summary().get("total-records"))
              == rows) {
        return;
      }
      if (catalog.tableExists(id)) {
        catalog.dropTable(id, true);
      }
      System.out.printf("creating %s with %,d rows in %s%n", TABLE, rows, cache);
      Fixtures.events(
          catalog, id, FixtureOptions.defaults().withRows(rows).withRowGroupBytes(8 << 20));
    }
  }

  private static Process startServer(Path cache, String xmx) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        List.of(
            java,
            "-Xmx" + xmx,
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.floe.cli.Floe",
            "serve",
            "--port",
            "0",
            "--http-port",
            "-1",
            "--warehouse",
            cache.toString());
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static int port(Process server) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    Matcher matcher = line == null ? null : FLIGHT.matcher(line);
    if (matcher == null || !matcher.matches()) {
      throw new IllegalStateException("floe serve did not start: " + line);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** Each of {@code clients} reads the whole table on its own connection; total rows and bytes. */
  private static long[] readAll(BufferAllocator allocator, Location location, int clients)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Callable<long[]>> reads = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        reads.add(() -> readTable(allocator, location));
      }
      long[] totals = new long[2];
      for (Future<long[]> result : pool.invokeAll(reads)) {
        totals[0] += result.get()[0];
        totals[1] += result.get()[1];
      }
      return totals;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] readTable(BufferAllocator parent, Location location) throws Exception {
    try (BufferAllocator allocator = parent.newChildAllocator("client", 0, Long.MAX_VALUE);
        FlightClient client = FlightClient.builder(allocator, location).build()) {
      FlightInfo info = client.getInfo(command());
      long rows = 0;
      long bytes = 0;
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = client.getStream(endpoint.getTicket())) {
          while (stream.next()) {
            rows += stream.getRoot().getRowCount();
            for (var vector : stream.getRoot().getFieldVectors()) {
              bytes += vector.getBufferSize();
            }
          }
        }
      }
      return new long[] {rows, bytes};
    }
  }

  private static long countRows(BufferAllocator allocator, Location location) throws Exception {
    return readTable(allocator, location)[0];
  }

  private static FlightDescriptor command() {
    return FlightDescriptor.command(
        ("{\"table\":\"" + TABLE + "\",\"batch_size\":" + BATCH + "}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** VmHWM of the server process: its peak resident set, in KiB. */
  private static long peakRssKib(Process server) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
