package dev.floe.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link FloeServer} runs. Immutable; {@link #defaults()} then {@code withX}. Invalid values
 * fail when the server is built.
 *
 * @param host address both servers bind (default loopback)
 * @param flightPort Arrow Flight port, 0 for any free one
 * @param httpPort HTTP port, 0 for any free one, -1 for no HTTP server
 * @param token bearer token every Flight call and HTTP request must carry, or null for none
 * @param tlsCert PEM certificate chain for TLS (Flight), or null
 * @param tlsKey PEM private key (PKCS#8) for TLS, or null
 * @param ticketSecret HMAC key of the tickets, at least 32 bytes, or null for a random one
 * @param ticketLifetime how long a ticket from GetFlightInfo can be redeemed
 * @param maxScans scans streamed at once (Flight and HTTP); more are refused
 * @param scanMemoryBytes Arrow memory one scan may hold (its allocator's limit)
 */
record ServerOptions(
    String host,
    int flightPort,
    int httpPort,
    String token,
    Path tlsCert,
    Path tlsKey,
    byte[] ticketSecret,
    Duration ticketLifetime,
    int maxScans,
    long scanMemoryBytes) {
  static final String LOOPBACK = "127.0.0.1";
  static final int DEFAULT_FLIGHT_PORT = 8815;
  static final int DEFAULT_HTTP_PORT = 8080;
  static final int DEFAULT_MAX_SCANS = 64;
  static final long DEFAULT_SCAN_MEMORY_BYTES = 256L << 20;
  static final Duration DEFAULT_TICKET_LIFETIME = Duration.ofHours(1);

  ServerOptions {
    requireNonNull(host, "host is null");
    requireNonNull(ticketLifetime, "ticketLifetime is null");
    checkPort("Flight port", flightPort, 0);
    checkPort("HTTP port", httpPort, -1);
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("Invalid --token: empty, expected a secret string");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "Invalid TLS options: give both --tls-cert and --tls-key, or neither");
    }
    if (ticketSecret != null && ticketSecret.length < Tickets.SECRET_BYTES) {
      throw new IllegalArgumentException(
          "Invalid ticket secret: "
              + ticketSecret.length
              + " bytes, expected at least "
              + Tickets.SECRET_BYTES);
    }
    if (ticketLifetime.isNegative() || ticketLifetime.isZero()) {
      throw new IllegalArgumentException(
          "Invalid ticket lifetime: " + ticketLifetime + ", expected > 0");
    }
    if (maxScans < 1) {
      throw new IllegalArgumentException("Invalid --max-scans: " + maxScans + ", expected >= 1");
    }
    if (scanMemoryBytes < 1 << 20) {
      throw new IllegalArgumentException(
          "Invalid scan memory limit: " + scanMemoryBytes + " bytes, expected at least 1 MiB");
    }
    ticketSecret = ticketSecret == null ? null : ticketSecret.clone();
  }

  static ServerOptions defaults() {
    return new ServerOptions(
        LOOPBACK,
        DEFAULT_FLIGHT_PORT,
        DEFAULT_HTTP_PORT,
        null,
        null,
        null,
        null,
        DEFAULT_TICKET_LIFETIME,
        DEFAULT_MAX_SCANS,
        DEFAULT_SCAN_MEMORY_BYTES);
  }

  private static void checkPort(String what, int port, int lowest) {
    if (port < lowest || port > 65535) {
      throw new IllegalArgumentException(
          "Invalid " + what + ": " + port + ", expected " + lowest + " to 65535");
    }
  }

  ServerOptions withHost(String value) {
    return new ServerOptions(
        value,
        flightPort,
        httpPort,
        token,
        tlsCert,
        tlsKey,
        ticketSecret,
        ticketLifetime,
        maxScans,
        scanMemoryBytes);
  }

  ServerOptions withPorts(int flight, int http) {
    return new ServerOptions(
        host,
        flight,
        http,
        token,
        tlsCert,
        tlsKey,
        ticketSecret,
        ticketLifetime,
        maxScans,
        scanMemoryBytes);
  }

  ServerOptions withToken(String value) {
    return new ServerOptions(
        host,
        flightPort,
        httpPort,
        value,
        tlsCert,
        tlsKey,
        ticketSecret,
        ticketLifetime,
        maxScans,
        scanMemoryBytes);
  }

  ServerOptions withTls(Path cert, Path key) {
    return new ServerOptions(
        host,
        flightPort,
        httpPort,
        token,
        cert,
        key,
        ticketSecret,
        ticketLifetime,
        maxScans,
        scanMemoryBytes);
  }

  ServerOptions withTicketSecret(byte[] value, Duration lifetime) {
    return new ServerOptions(
        host,
        flightPort,
        httpPort,
        token,
        tlsCert,
        tlsKey,
        value,
        lifetime,
        maxScans,
        scanMemoryBytes);
  }

  ServerOptions withMaxScans(int value) {
    return new ServerOptions(
        host,
        flightPort,
        httpPort,
        token,
        tlsCert,
        tlsKey,
        ticketSecret,
        ticketLifetime,
        value,
        scanMemoryBytes);
  }

  ServerOptions withScanMemoryBytes(long value) {
    return new ServerOptions(
        host,
        flightPort,
        httpPort,
        token,
        tlsCert,
        tlsKey,
        ticketSecret,
        ticketLifetime,
        maxScans,
        value);
  }

  boolean loopback() {
    return host.equals(LOOPBACK) || host.equals("localhost") || host.equals("::1");
  }

  @Override
  public String toString() {
    return "ServerOptions[host="
        + host
        + ", flightPort="
        + flightPort
        + ", httpPort="
        + httpPort
        + ", token="
        + (token == null ? "none" : "set")
        + ", tls="
        + (tlsCert != null)
        + ", maxScans="
        + maxScans
        + ", scanMemoryBytes="
        + scanMemoryBytes
        + "]";
  }
}
