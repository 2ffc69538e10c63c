package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe serve} as a user runs it: a subcommand of {@code floe} (found by ServiceLoader on the
 * class path), in its own JVM, printing the bound addresses on stdout, stopped by SIGTERM; bad
 * options fail before anything is bound; and a server closed in process leaves no thread or file
 * descriptor behind.
 */
class TestServeCommand {
  private static final Pattern FLIGHT =
      Pattern.compile("Flight listening on grpc://([^:]+):(\\d+)");

  @TempDir Path warehouse;

  @Test
  void serveRunsAsASubcommandOfFloeAndPrintsItsPorts() throws Exception {
    OracleTable oracle = OracleTable.load("v2_parquet_posdel");
    Process process =
        floe(
            "serve",
            "--port",
            "0",
            "--http-port",
            "0",
            "--warehouse",
            warehouse.toString(),
            "--rewrite-prefix",
            OracleTable.ORIGINAL_ROOT
                + "="
                + OracleTable.prefixes().get(OracleTable.ORIGINAL_ROOT));
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String flightLine = out.readLine();
      assertThat(flightLine).as(stderr(process)).isNotNull();
      Matcher matcher = FLIGHT.matcher(flightLine);
      assertThat(matcher.matches()).as(flightLine).isTrue();
      assertThat(matcher.group(1)).isEqualTo("127.0.0.1");
      assertThat(out.readLine()).matches("HTTP listening on http://127\\.0\\.0\\.1:\\d+");
      try (BufferAllocator allocator = new RootAllocator();
          FlightClient client =
              FlightClient.builder(
                      allocator,
                      Location.forGrpcInsecure("127.0.0.1", Integer.parseInt(matcher.group(2))))
                  .build()) {
        FlightInfo info = client.getInfo(Flights.command(oracle.reference()));
        Schema schema =
            Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
        assertThat(Flights.readAll(client, info, schema))
            .isEqualTo(oracle.expectedLines(oracle.allColumns()));
      }
      process.destroy(); // SIGTERM: the shutdown hook closes the server
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(stderr(process)).doesNotContain("Exception");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void anyAddressWithoutATokenWarns() throws Exception {
    Process process =
        floe(
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--http-port",
            "-1",
            "--warehouse",
            warehouse.toString());
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).startsWith("Flight listening on grpc://0.0.0.0:");
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(stderr(process))
          .contains("floe serve: warning: listening on 0.0.0.0 without --token");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void invalidOptionsFailBeforeServing() throws Exception {
    Path shortSecret = warehouse.resolve("secret");
    Files.writeString(shortSecret, "too short");
    List<List<String>> cases =
        List.of(
            List.of("--max-scans", "0", "Invalid --max-scans: 0"),
            List.of("--tls-cert", "cert.pem", "give both --tls-cert and --tls-key"),
            List.of("--ticket-secret-file", shortSecret.toString(), "expected at least 32"),
            List.of("--ticket-secret-file", "/nonexistent/secret", "no such file"),
            List.of("--port", "70000", "Invalid Flight port: 70000"),
            List.of("--scan-memory-mb", "0", "Invalid --scan-memory-mb"));
    for (List<String> option : cases) {
      Process process = floe("serve", option.get(0), option.get(1), "--port", "0");
      if (option.get(0).equals("--port")) {
        process = floe("serve", "--port", option.get(1));
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(option.toString()).isEqualTo(2);
      assertThat(stderr(process)).as(option.toString()).contains(option.get(2));
    }
  }

  @Test
  void aClosedServerLeavesNoThreadAndNoFileDescriptor() throws Exception {
    OracleTable oracle = OracleTable.load("v3_orc_dv");
    long fdsBefore = openFds();
    try (BufferAllocator allocator = new RootAllocator()) {
      FloeServer server = Servers.start(Servers.options(), warehouse);
      try (FlightClient client = Servers.client(allocator, server)) {
        FlightInfo info = client.getInfo(Flights.command(oracle.reference()));
        Schema schema =
            Flights.schema(oracle.reference(), OracleTable.prefixes(), oracle.allColumns());
        assertThat(Flights.readAll(client, info, schema)).hasSize(18451);
      }
      assertThat(Servers.threads("floe-")).isNotEmpty();
      server.close();
      server.close(); // idempotent
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline
        && (!Servers.threads("floe-").isEmpty() || openFds() > fdsBefore)) {
      Thread.sleep(50);
    }
    assertThat(Servers.threads("floe-")).isEmpty();
    assertThat(openFds()).isLessThanOrEqualTo(fdsBefore);
  }

  private static long openFds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private Process floe(String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx512m",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.floe.cli.Floe"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .directory(warehouse.toFile())
        .redirectError(warehouse.resolve("stderr-" + System.nanoTime() + ".txt").toFile())
        .start();
  }

  private String stderr(Process process) throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(warehouse)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().startsWith("stderr-")).toList()) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }
}
