package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListFlights, and each kind of error as the Flight status a client can act on. */
class TestFlightErrors {
  @TempDir static Path warehouse;
  private static FloeServer server;
  private static BufferAllocator allocator;
  private static FlightClient client;

  @BeforeAll
  static void start() throws Exception {
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Fixtures.deletes(
          home.catalog(), TableIdentifier.parse("db.deletes"), FixtureOptions.defaults());
      Fixtures.events(
          home.catalog(),
          TableIdentifier.parse("db.damaged"),
          FixtureOptions.defaults().withRows(20_000));
    }
    server = Servers.start(Servers.options(), warehouse);
    allocator = new RootAllocator();
    client = Servers.client(allocator, server);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    allocator.close();
    TestFlightStreaming.awaitIdle(server);
    server.close();
  }

  @Test
  void listFlightsGivesEveryTableWithTheCommandThatScansIt() throws Exception {
    List<FlightInfo> flights = new ArrayList<>();
    client.listFlights(Criteria.ALL).forEach(flights::add);
    List<String> commands = new ArrayList<>();
    for (FlightInfo info : flights) {
      commands.add(new String(info.getDescriptor().getCommand(), StandardCharsets.UTF_8));
    }
    assertThat(commands)
        .containsExactly("{\"table\":\"db.damaged\"}", "{\"table\":\"db.deletes\"}");
    assertThat(flights.get(1).getSchemaOptional().orElseThrow().getFields()).isNotEmpty();
    FlightInfo scan = client.getInfo(flights.get(1).getDescriptor());
    long rows = 0;
    for (var endpoint : scan.getEndpoints()) {
      try (FlightStream stream = client.getStream(endpoint.getTicket())) {
        while (stream.next()) {
          rows += stream.getRoot().getRowCount();
        }
      }
    }
    assertThat(rows).isPositive();
  }

  @Test
  void unknownTablesAreNotFound() {
    assertStatus(
        () -> client.getInfo(Flights.command("db.nope")),
        FlightStatusCode.NOT_FOUND,
        "Table does not exist: db.nope");
    assertStatus(
        () ->
            client.getInfo(
                Flights.command(warehouse.resolve("nowhere/v1.metadata.json").toString())),
        FlightStatusCode.NOT_FOUND,
        "nowhere");
  }

  @Test
  void badCommandsColumnsAndFiltersAreInvalidArguments() {
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "select", List.of("id", "nope"))),
        FlightStatusCode.INVALID_ARGUMENT,
        "nope");
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "filter", "id < 'x' AND")),
        FlightStatusCode.INVALID_ARGUMENT,
        "at position");
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "filter", "nope = 1")),
        FlightStatusCode.INVALID_ARGUMENT,
        "nope");
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "colour", "red")),
        FlightStatusCode.INVALID_ARGUMENT,
        "unknown key \"colour\"");
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "batch_size", 0)),
        FlightStatusCode.INVALID_ARGUMENT,
        "Invalid batch_size: 0");
    assertStatus(
        () -> client.getInfo(Flights.command("db.deletes", "snapshot_id", 12345)),
        FlightStatusCode.INVALID_ARGUMENT,
        "12345");
    assertStatus(
        () ->
            client.getInfo(
                FlightDescriptor.command("{\"table\": ".getBytes(StandardCharsets.UTF_8))),
        FlightStatusCode.INVALID_ARGUMENT,
        "not JSON");
    assertStatus(
        () -> client.getInfo(FlightDescriptor.path("db", "deletes")),
        FlightStatusCode.INVALID_ARGUMENT,
        "expected a command");
    assertStatus(
        () -> client.getSchema(Flights.command("db.deletes", "select", List.of("nope"))),
        FlightStatusCode.INVALID_ARGUMENT,
        "nope");
  }

  @Test
  void aDamagedDataFileIsInternalNamingTheFile() throws Exception {
    FlightInfo info = client.getInfo(Flights.command("db.damaged", "target_split_bytes", 1L << 40));
    List<String> files = new ArrayList<>();
    try (Warehouse home = Warehouse.sqlite(warehouse)) {
      Table table = home.catalog().loadTable(TableIdentifier.parse("db.damaged"));
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        tasks.forEach(task -> files.add(task.file().location()));
      }
    }
    // the planned files are overwritten with garbage of the same length after planning
    for (String file : files) {
      Path path = Path.of(file.replaceFirst("^file:", ""));
      byte[] garbage = new byte[(int) Files.size(path)];
      Arrays.fill(garbage, (byte) 0x5a);
      Files.write(path, garbage);
    }
    assertStatus(
        () -> {
          try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
            while (stream.next()) {
              // drain
            }
          }
        },
        FlightStatusCode.INTERNAL,
        Path.of(files.get(0).replaceFirst("^file:", "")).getFileName().toString());
    TestFlightStreaming.awaitIdle(server);
  }

  private static void assertStatus(ThrowingCallable call, FlightStatusCode code, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            FlightRuntimeException.class,
            e -> {
              assertThat(e.status().code()).as(e.toString()).isEqualTo(code);
              assertThat(e.status().description()).contains(message).doesNotContain("\n");
            });
  }
}
