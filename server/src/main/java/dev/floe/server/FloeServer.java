package dev.floe.server;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.floe.cli.catalog.CatalogConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code floe serve}: an Arrow Flight server and an HTTP server over one catalog, sharing the scan
 * slots, the allocator and the metrics. {@link #close()} stops both, waits for the running scans to
 * end (each closes its stream and allocator), and closes the catalog and the root allocator (which
 * fails if any buffer leaked). Idempotent.
 */
public final class FloeServer implements AutoCloseable {
  private static final long STOP_SECONDS = 5;

  private final ServerOptions options;
  private final BufferAllocator root;
  private final Tables tables;
  private final ServerMetrics metrics;
  private final ScanSlots slots;
  private final ExecutorService flightExecutor;
  private final ExecutorService httpExecutor;
  private BufferAllocator flightAllocator;
  private FlightServer flight;
  private HttpServer http;
  private boolean closed;

  private FloeServer(ServerOptions options, CatalogConfig catalog, Map<String, String> prefixes) {
    this.options = options;
    this.root = new RootAllocator();
    this.tables = new Tables(catalog, prefixes);
    this.metrics = new ServerMetrics();
    this.metrics.allocator(root::getAllocatedMemory, root::getPeakMemoryAllocation);
    this.slots = new ScanSlots(root, options.maxScans(), options.scanMemoryBytes(), metrics);
    this.flightExecutor = Executors.newCachedThreadPool(named("floe-flight-"));
    this.httpExecutor = Executors.newCachedThreadPool(named("floe-http-"));
  }

  /**
   * Starts both servers.
   *
   * @throws IllegalArgumentException for options that cannot be served (unreadable TLS files)
   * @throws IOException if a port cannot be bound
   */
  public static FloeServer start(
      ServerOptions options, CatalogConfig catalog, Map<String, String> prefixes)
      throws IOException {
    requireNonNull(options, "options is null");
    FloeServer server = new FloeServer(options, catalog, prefixes);
    try {
      server.startServers();
      return server;
    } catch (IOException | RuntimeException e) {
      try {
        server.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void startServers() throws IOException {
    byte[] secret =
        options.ticketSecret() != null ? options.ticketSecret() : Tickets.randomSecret();
    Tickets tickets = new Tickets(secret, options.ticketLifetime(), Clock.systemUTC());
    Scans scans = new Scans(tables, root);
    boolean tls = options.tlsCert() != null;
    flightAllocator = root.newChildAllocator("flight", 0, Long.MAX_VALUE);
    Location location =
        tls
            ? Location.forGrpcTls(options.host(), options.flightPort())
            : Location.forGrpcInsecure(options.host(), options.flightPort());
    FlightServer.Builder builder =
        FlightServer.builder(
                flightAllocator, location, new FloeFlightProducer(scans, tickets, slots, metrics))
            .executor(flightExecutor);
    if (options.token() != null) {
      builder.headerAuthenticator(new BearerTokenAuthenticator(options.token()));
    }
    if (tls) {
      builder.useTls(options.tlsCert().toFile(), options.tlsKey().toFile());
    }
    flight = builder.build();
    flight.start();
    if (options.httpPort() >= 0) {
      startHttp(scans, tls);
    }
  }

  private void startHttp(Scans scans, boolean tls) throws IOException {
    InetSocketAddress address = new InetSocketAddress(options.host(), options.httpPort());
    if (tls) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(
          new HttpsConfigurator(PemTls.context(options.tlsCert(), options.tlsKey())));
      http = https;
    } else {
      http = HttpServer.create(address, 0);
    }
    HttpEndpoints endpoints = new HttpEndpoints(scans, slots, metrics, options.token());
    http.createContext("/tables", endpoints.tables());
    http.createContext("/scan", endpoints.scan());
    http.createContext("/metrics", endpoints.metrics());
    http.setExecutor(httpExecutor);
    http.start();
  }

  /** The Flight port bound (the one asked for, or the free one picked for 0). */
  public int flightPort() {
    return flight.getPort();
  }

  /** The HTTP port bound, or -1 without HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.getAddress().getPort();
  }

  /** The Flight location clients connect to. */
  public Location location() {
    return options.tlsCert() != null
        ? Location.forGrpcTls(options.host(), flightPort())
        : Location.forGrpcInsecure(options.host(), flightPort());
  }

  /** The HTTP base URL, e.g. {@code http://127.0.0.1:8080}, or null without HTTP. */
  public String httpUrl() {
    if (http == null) {
      return null;
    }
    return (options.tlsCert() != null ? "https" : "http") + "://" + hostForUrl() + ":" + httpPort();
  }

  private String hostForUrl() {
    return options.host().contains(":") ? "[" + options.host() + "]" : options.host();
  }

  /** The root allocator every scan's allocator is a child of. */
  BufferAllocator allocator() {
    return root;
  }

  ServerMetrics metrics() {
    return metrics;
  }

  int openScans() {
    return slots.openScans();
  }

  /** Blocks until the Flight server is shut down (by {@link #close()} from another thread). */
  public void awaitTermination() throws InterruptedException {
    flight.awaitTermination();
  }

  @Override
  public synchronized void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    List<Exception> failures = new ArrayList<>();
    if (http != null) {
      attempt(failures, () -> http.stop(0));
    }
    if (flight != null) {
      // waits for the calls, then cancels those still running (their scans see it and close)
      attempt(failures, flight::close);
    }
    if (flightAllocator != null) {
      attempt(failures, flightAllocator::close);
    }
    attempt(failures, () -> stop(httpExecutor));
    attempt(failures, () -> stop(flightExecutor));
    attempt(failures, tables::close);
    attempt(failures, root::close);
    if (!failures.isEmpty()) {
      Exception first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void stop(ExecutorService executor) throws InterruptedException {
    executor.shutdownNow();
    if (!executor.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("Cannot stop the server: its threads did not end in time");
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void attempt(List<Exception> failures, Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failures.add(e);
    } catch (Exception e) {
      failures.add(e);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
