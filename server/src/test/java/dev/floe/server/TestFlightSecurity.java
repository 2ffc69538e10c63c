package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tickets no client can forge, the bearer token, TLS: a modified, a forged and an expired ticket
 * are each refused with UNAUTHENTICATED, and so is a call without the token when one is set.
 */
class TestFlightSecurity {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef-test-secret".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path warehouse;

  @Test
  void modifiedForgedAndExpiredTicketsAreRefused() throws Exception {
    OracleTable oracle = OracleTable.load("v2_parquet_posdel");
    ServerOptions options =
        Servers.options().withTicketSecret(SECRET, ServerOptions.DEFAULT_TICKET_LIFETIME);
    try (FloeServer server = Servers.start(options, warehouse);
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = Servers.client(allocator, server)) {
      FlightInfo info = client.getInfo(Flights.command(oracle.reference()));
      byte[] valid = info.getEndpoints().get(0).getTicket().getBytes();
      assertThat(rows(client, valid)).isPositive();

      Tickets same = new Tickets(SECRET, Duration.ofHours(1), Clock.systemUTC());
      Tickets.Grant grant = same.verify(valid);

      // modified: the payload asks for other rows (batch size, table) under the old signature
      String text = new String(valid, StandardCharsets.US_ASCII);
      int dot = text.indexOf('.');
      String payload =
          new String(Base64.getUrlDecoder().decode(text.substring(0, dot)), StandardCharsets.UTF_8);
      String changed = payload.replace("\"batch_size\":10000", "\"batch_size\":9999");
      assertThat(changed).isNotEqualTo(payload);
      byte[] modified =
          (Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(changed.getBytes(StandardCharsets.UTF_8))
                  + text.substring(dot))
              .getBytes(StandardCharsets.US_ASCII);
      assertRefused(client, modified, "signature does not match");
      byte[] flipped = valid.clone();
      flipped[flipped.length - 3] ^= 1;
      assertRefused(client, flipped, "");

      // forged: a well-formed ticket for the same split, signed with another secret
      Tickets other = new Tickets(Tickets.randomSecret(), Duration.ofHours(1), Clock.systemUTC());
      assertRefused(client, other.issue(grant), "signature does not match");
      // a made-up split naming any file at all is refused the same way, before it is parsed
      assertRefused(
          client,
          other.issue(
              new Tickets.Grant(
                  oracle.reference(), 10, "{\"files\":[\"/etc/passwd\"]}", grant.expires())),
          "signature does not match");
      assertRefused(client, "not a ticket".getBytes(StandardCharsets.US_ASCII), "");

      // expired: signed with the server's own secret, but past its expiry
      byte[] expired =
          same.issue(
              new Tickets.Grant(
                  grant.table(),
                  grant.batchSize(),
                  grant.splitJson(),
                  Instant.now().minusSeconds(1)));
      assertRefused(client, expired, "expired");

      // the valid one still reads, and nothing was left open by the refusals
      assertThat(rows(client, valid)).isPositive();
      // the server ends its side of the stream after the client has read the last batch
      TestFlightStreaming.awaitIdle(server);
    }
  }

  @Test
  void ticketsExpireAfterTheirLifetime() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    Tickets issuing =
        new Tickets(SECRET, Duration.ofSeconds(30), Clock.fixed(start, ZoneOffset.UTC));
    byte[] ticket = issuing.issue("db.t", 100, "{}");
    Tickets before =
        new Tickets(
            SECRET, Duration.ofSeconds(30), Clock.fixed(start.plusSeconds(29), ZoneOffset.UTC));
    assertThat(before.verify(ticket).batchSize()).isEqualTo(100);
    Tickets after =
        new Tickets(
            SECRET, Duration.ofSeconds(30), Clock.fixed(start.plusSeconds(30), ZoneOffset.UTC));
    assertThatThrownBy(() -> after.verify(ticket))
        .isInstanceOf(Tickets.InvalidTicketException.class)
        .hasMessageContaining("expired at 2026-01-01T00:00:30Z");
  }

  @Test
  void withATokenEveryCallMustCarryIt() throws Exception {
    OracleTable oracle = OracleTable.load("v3_orc_dv");
    ServerOptions options = Servers.options().withToken("s3cret-token");
    try (FloeServer server = Servers.start(options, warehouse);
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = Servers.client(allocator, server)) {
      assertThatThrownBy(() -> client.getInfo(Flights.command(oracle.reference())))
          .isInstanceOfSatisfying(
              FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
      CredentialCallOption wrong = new CredentialCallOption(new BearerCredentialWriter("nope"));
      assertThatThrownBy(() -> client.getInfo(Flights.command(oracle.reference()), wrong))
          .isInstanceOfSatisfying(
              FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));

      CredentialCallOption token =
          new CredentialCallOption(new BearerCredentialWriter("s3cret-token"));
      FlightInfo info = client.getInfo(Flights.command(oracle.reference()), token);
      byte[] ticket = info.getEndpoints().get(0).getTicket().getBytes();
      // a valid ticket is not enough without the token
      assertThatThrownBy(() -> rows(client, ticket))
          .isInstanceOfSatisfying(
              FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
      Schema schema =
          Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
      assertThat(Flights.readAll(client, info, schema, token))
          .isEqualTo(oracle.expectedLines(oracle.allColumns()));

      HttpClient http = HttpClient.newHttpClient();
      URI scan = URI.create(server.httpUrl() + "/metrics");
      assertThat(
              http.send(HttpRequest.newBuilder(scan).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(scan)
                          .header("Authorization", "Bearer s3cret-token")
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void tlsWithACertificateAndKey() throws Exception {
    Path cert = warehouse.resolve("cert.pem");
    Path key = warehouse.resolve("key.pem");
    assumeTrue(openssl(cert, key), "openssl is needed to make a test certificate");
    OracleTable oracle = OracleTable.load("v2_parquet_posdel");
    ServerOptions options = Servers.options().withHost("localhost").withTls(cert, key);
    try (FloeServer server = Servers.start(options, warehouse);
        BufferAllocator allocator = new RootAllocator()) {
      assertThat(server.location().getUri().getScheme()).isEqualTo("grpc+tls");
      try (FlightClient client =
          FlightClient.builder(allocator, server.location())
              .useTls()
              .trustedCertificates(Files.newInputStream(cert))
              .build()) {
        FlightInfo info = client.getInfo(Flights.command(oracle.reference()));
        Schema schema =
            Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
        assertThat(Flights.readAll(client, info, schema))
            .isEqualTo(oracle.expectedLines(oracle.allColumns()));
      }
      // a plaintext client gets no answer from a TLS server
      try (FlightClient plain =
          FlightClient.builder(
                  allocator, Location.forGrpcInsecure("localhost", server.flightPort()))
              .build()) {
        assertThatThrownBy(() -> plain.getInfo(Flights.command(oracle.reference())))
            .isInstanceOf(FlightRuntimeException.class);
      }
      assertThat(server.httpUrl()).startsWith("https://");
    }
  }

  private static boolean openssl(Path cert, Path key) throws Exception {
    try {
      Process process =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString(),
                  "-days",
                  "1",
                  "-subj",
                  "/CN=localhost",
                  "-addext",
                  "subjectAltName=DNS:localhost")
              .redirectErrorStream(true)
              .redirectOutput(new File("/dev/null"))
              .start();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static long rows(FlightClient client, byte[] ticket) throws Exception {
    long rows = 0;
    try (FlightStream stream = client.getStream(new Ticket(ticket))) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private static void assertRefused(FlightClient client, byte[] ticket, String message) {
    assertThatThrownBy(() -> rows(client, ticket))
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
              assertThat(e.status().description()).contains(message);
            });
  }
}
