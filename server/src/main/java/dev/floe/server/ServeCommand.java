package dev.floe.server;

import dev.floe.cli.PluginCommand;
import dev.floe.cli.TableOptions;
import dev.floe.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code floe serve}: Arrow Flight and HTTP streaming of scans, until stopped (Ctrl-C, SIGTERM).
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Serve the catalog's tables over Arrow Flight (GetFlightInfo: one endpoint per split,"
          + " DoGet: stream a split) and HTTP (GET /tables, /scan, /metrics), until stopped.",
      "Binds loopback unless --host says otherwise. Prints the bound addresses on stdout."
    },
    footer = {
      "",
      "Examples:",
      "  floe serve --warehouse ./warehouse",
      "  floe serve --port 0 --http-port 0       # any free ports, printed on start",
      "  curl 'http://127.0.0.1:8080/scan?table=demo.events_parquet&filter=qty%%3E5&limit=10'",
      "  floe serve --host 0.0.0.0 --token \"$(cat token)\" --tls-cert cert.pem --tls-key key.pem"
    })
public final class ServeCommand implements PluginCommand {
  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = ServerOptions.LOOPBACK,
      description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "" + ServerOptions.DEFAULT_FLIGHT_PORT,
      description = "Arrow Flight port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "" + ServerOptions.DEFAULT_HTTP_PORT,
      description = "HTTP port; 0 picks a free one, -1 serves no HTTP (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:FLOE_SERVE_TOKEN}",
      description =
          "Bearer token every request must carry (Flight: authorization header; HTTP:"
              + " Authorization: Bearer TOKEN). Default: $FLOE_SERVE_TOKEN if set, else none.")
  String token;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: serve Flight (grpc+tls) and HTTPS.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key of --tls-cert (unencrypted PKCS#8).")
  Path tlsKey;

  @Option(
      names = "--ticket-secret-file",
      paramLabel = "FILE",
      description =
          "HMAC-SHA256 key of the Flight tickets (at least 32 bytes), so that several servers,"
              + " or one restarted, accept each other's tickets. Default: random at start.")
  Path ticketSecretFile;

  @Option(
      names = "--ticket-ttl",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "How long a ticket can be redeemed (default: ${DEFAULT-VALUE}).")
  long ticketTtlSeconds;

  @Option(
      names = "--max-scans",
      paramLabel = "N",
      defaultValue = "" + ServerOptions.DEFAULT_MAX_SCANS,
      description =
          "Scans streamed at once, Flight and HTTP together; more are refused"
              + " (RESOURCE_EXHAUSTED, HTTP 503). Default: ${DEFAULT-VALUE}.")
  int maxScans;

  @Option(
      names = "--scan-memory-mb",
      paramLabel = "MIB",
      defaultValue = "256",
      description = "Arrow memory one scan may hold (default: ${DEFAULT-VALUE}).")
  long scanMemoryMib;

  @Mixin TableOptions tableOptions;

  private PrintStream out = System.out;
  private PrintStream err = System.err;

  @Override
  public void streams(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    ServerOptions options = options();
    if (!options.loopback() && options.token() == null) {
      err.println(
          "floe serve: warning: listening on "
              + options.host()
              + " without --token: anyone who can reach this address can read every table");
    }
    FloeServer server;
    try {
      server = FloeServer.start(options, tableOptions.catalogConfig(), tableOptions.prefixes());
    } catch (BindException e) {
      throw new UsageException(
          "Cannot listen on " + options.host() + ": " + e.getMessage() + " (--port, --http-port)",
          e);
    }
    Thread stopper = new Thread(() -> closeQuietly(server), "floe-serve-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    // grpc:// (not Arrow Java's grpc+tcp://): the spelling every Flight client accepts
    out.println(
        "Flight listening on "
            + (options.tlsCert() != null ? "grpc+tls://" : "grpc://")
            + server.location().getUri().getRawAuthority());
    if (server.httpUrl() != null) {
      out.println("HTTP listening on " + server.httpUrl());
    }
    out.flush();
    server.awaitTermination();
    return 0;
  }

  private ServerOptions options() {
    if (ticketTtlSeconds < 1) {
      throw new UsageException("Invalid --ticket-ttl: " + ticketTtlSeconds + ", expected >= 1");
    }
    if (scanMemoryMib < 1 || scanMemoryMib > (Long.MAX_VALUE >> 20)) {
      throw new UsageException("Invalid --scan-memory-mb: " + scanMemoryMib + ", expected >= 1");
    }
    try {
      return ServerOptions.defaults()
          .withHost(host)
          .withPorts(port, httpPort)
          .withToken(token)
          .withTls(tlsCert, tlsKey)
          .withTicketSecret(secret(), Duration.ofSeconds(ticketTtlSeconds))
          .withMaxScans(maxScans)
          .withScanMemoryBytes(scanMemoryMib << 20);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private byte[] secret() {
    if (ticketSecretFile == null) {
      return null;
    }
    try {
      return Files.readAllBytes(ticketSecretFile);
    } catch (NoSuchFileException e) {
      throw new UsageException(
          "Cannot read --ticket-secret-file " + ticketSecretFile + ": no such file");
    } catch (IOException e) {
      throw new UsageException("Cannot read --ticket-secret-file " + ticketSecretFile + ": " + e);
    }
  }

  private void closeQuietly(FloeServer server) {
    try {
      server.close();
    } catch (Exception e) {
      err.println("floe serve: " + dev.floe.cli.Floe.describe(e));
    }
  }
}
