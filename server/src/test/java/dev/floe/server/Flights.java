package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floe.cli.catalog.TableResolver;
import dev.floe.export.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/** What the tests do as a Flight client: build commands, read endpoints back as canonical rows. */
final class Flights {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Flights() {}

  /** A scan command: {@code table}, then key/value pairs (a List value becomes a JSON array). */
  static FlightDescriptor command(String table, Object... keysAndValues) {
    ObjectNode node = JSON.createObjectNode().put("table", table);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String key = (String) keysAndValues[i];
      Object value = keysAndValues[i + 1];
      if (value instanceof List<?> list) {
        ArrayNode array = node.putArray(key);
        list.forEach(item -> array.add(item.toString()));
      } else if (value instanceof Number number) {
        node.put(key, number.longValue());
      } else {
        node.put(key, value.toString());
      }
    }
    return FlightDescriptor.command(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The Iceberg schema of {@code columns} of the table, in that order, for encoding rows. */
  static Schema schema(String reference, Map<String, String> prefixes, List<String> columns) {
    Table table = TableResolver.load(reference, prefixes);
    List<Types.NestedField> fields = new ArrayList<>();
    for (String column : columns) {
      fields.add(table.schema().findField(column));
    }
    return new Schema(fields);
  }

  /** Every endpoint of {@code info} read in turn, as canonical lines sorted by id. */
  static List<String> readAll(
      FlightClient client, FlightInfo info, Schema schema, CallOption... options) throws Exception {
    List<IdLine> rows = new ArrayList<>();
    CanonicalJson json = CanonicalJson.forSchema(schema);
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      assertThat(endpoint.getLocations()).as("endpoint locations").isEmpty();
      try (FlightStream stream = client.getStream(endpoint.getTicket(), options)) {
        while (stream.next()) {
          VectorSchemaRoot root = stream.getRoot();
          BigIntVector ids = (BigIntVector) root.getVector("id");
          for (int row = 0; row < root.getRowCount(); row++) {
            rows.add(new IdLine(ids.get(row), json.line(root, row)));
          }
        }
      }
    }
    rows.sort(Comparator.comparingLong(IdLine::id));
    List<String> lines = new ArrayList<>(rows.size());
    rows.forEach(row -> lines.add(row.line()));
    return lines;
  }

  private record IdLine(long id, String line) {}
}
