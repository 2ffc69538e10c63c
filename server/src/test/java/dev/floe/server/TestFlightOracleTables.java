package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark-written oracle tables served over Flight: every endpoint of a scan, read with Arrow
 * Java's FlightClient and unioned, equals Spark's rows — the whole table, a selection of columns in
 * another order, and each of the oracle's filters. Small split targets give several endpoints per
 * scan, so the union is really over splits.
 */
class TestFlightOracleTables {
  @TempDir static Path warehouse;
  private static FloeServer server;
  private static BufferAllocator allocator;
  private static FlightClient client;

  @BeforeAll
  static void start() throws Exception {
    server = Servers.start(Servers.options(), warehouse);
    allocator = new RootAllocator();
    client = Servers.client(allocator, server);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    allocator.close(); // no buffer of any read left behind on the client
    TestFlightStreaming.awaitIdle(server); // the last read's server side may still be closing
    server.close(); // the server's root allocator closes clean
  }

  @TestFactory
  Stream<DynamicTest> everyEndpointUnionedEqualsSpark() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : OracleTable.NAMES) {
      tests.add(DynamicTest.dynamicTest(name + ": whole table", () -> wholeTable(name)));
      tests.add(DynamicTest.dynamicTest(name + ": select", () -> selection(name)));
      tests.add(DynamicTest.dynamicTest(name + ": each filter", () -> filters(name)));
    }
    return tests.stream();
  }

  private static void wholeTable(String name) throws Exception {
    OracleTable oracle = OracleTable.load(name);
    List<String> columns = oracle.readableColumns();
    FlightInfo info =
        oracle.allReadable()
            ? client.getInfo(Flights.command(oracle.reference(), "target_split_bytes", 4096))
            : client.getInfo(
                Flights.command(oracle.reference(), "select", columns, "target_split_bytes", 4096));
    assertThat(info.getEndpoints()).as("endpoints of %s", name).hasSizeGreaterThan(1);
    assertThat(info.getRecords()).isGreaterThanOrEqualTo(oracle.meta().get("row_count").asLong());
    assertThat(info.getBytes()).isPositive();
    Schema schema = Flights.schema(oracle.reference(), OracleTable.prefixes(), columns);
    List<String> actual = Flights.readAll(client, info, schema);
    List<String> expected = oracle.expectedLines(columns);
    if (oracle.allReadable()) {
      assertThat(actual).isEqualTo(expected); // byte for byte
    } else {
      assertThat(OracleTable.normalized(actual)).isEqualTo(expected);
    }
  }

  private static void selection(String name) throws Exception {
    OracleTable oracle = OracleTable.load(name);
    List<String> all = oracle.readableColumns();
    List<String> columns = List.of(all.get(3), "id", all.get(all.size() - 1), all.get(1));
    var descriptor =
        Flights.command(oracle.reference(), "select", columns, "target_split_bytes", 8192);
    SchemaResult schemaResult = client.getSchema(descriptor);
    assertThat(schemaResult.getSchema().getFields())
        .extracting(field -> field.getName())
        .containsExactlyElementsOf(columns);
    FlightInfo info = client.getInfo(descriptor);
    assertThat(info.getSchemaOptional().orElseThrow()).isEqualTo(schemaResult.getSchema());
    Schema schema = Flights.schema(oracle.reference(), OracleTable.prefixes(), columns);
    assertThat(OracleTable.normalized(Flights.readAll(client, info, schema)))
        .isEqualTo(oracle.expectedLines(columns));
  }

  private static void filters(String name) throws Exception {
    OracleTable oracle = OracleTable.load(name);
    List<String> columns = oracle.readableColumns();
    Schema schema = Flights.schema(oracle.reference(), OracleTable.prefixes(), columns);
    for (JsonNode filter : oracle.filters()) {
      String where = filter.get("sql_where").asText();
      FlightInfo info =
          client.getInfo(
              Flights.command(
                  oracle.reference(),
                  "select",
                  columns,
                  "filter",
                  where,
                  "batch_size",
                  777,
                  "target_split_bytes",
                  4096));
      List<String> actual = Flights.readAll(client, info, schema);
      assertThat(actual).as("%s WHERE %s", name, where).hasSize(filter.get("row_count").asInt());
      if (oracle.allReadable()) {
        assertThat(OracleTable.sha256(actual))
            .as("%s WHERE %s", name, where)
            .isEqualTo(filter.get("jsonl_sha256").asText());
      }
    }
  }
}
