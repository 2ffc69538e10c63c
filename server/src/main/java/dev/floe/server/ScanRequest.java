package dev.floe.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A scan a client asks for: the JSON command of a Flight descriptor, or the query parameters of
 * {@code GET /scan}.
 *
 * <pre>{@code
 * {"table": "db.events", "select": ["id", "qty"], "filter": "qty > 5 AND note IS NULL",
 *  "snapshot_id": 123, "batch_size": 10000, "target_split_bytes": 134217728}
 * }</pre>
 *
 * All but {@code table} optional. Unknown keys and values of the wrong type are refused when the
 * request is read, never ignored.
 *
 * @param select columns in output order, or null for all
 * @param filter SQL condition text (the grammar of {@code floe --filter}), or null
 * @param snapshotId snapshot to read, or null for the current one
 * @param targetSplitBytes split size to plan for, or null for the table's {@code
 *     read.split.target-size}
 * @param limit most rows to return (HTTP only), or null
 */
record ScanRequest(
    String table,
    List<String> select,
    String filter,
    Long snapshotId,
    int batchSize,
    Long targetSplitBytes,
    Long limit) {
  static final int DEFAULT_BATCH_SIZE = 10_000;
  static final int MAX_BATCH_SIZE = 1 << 24;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS =
      Set.of("table", "select", "filter", "snapshot_id", "batch_size", "target_split_bytes");

  ScanRequest {
    requireNonNull(table, "table is null");
    if (table.isBlank()) {
      throw new RequestException("Invalid command: \"table\" is empty");
    }
    select = select == null ? null : List.copyOf(select);
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new RequestException(
          "Invalid batch_size: " + batchSize + ", expected 1 to " + MAX_BATCH_SIZE);
    }
    if (targetSplitBytes != null && targetSplitBytes < 1) {
      throw new RequestException(
          "Invalid target_split_bytes: " + targetSplitBytes + ", expected > 0");
    }
    if (limit != null && limit < 0) {
      throw new RequestException("Invalid limit: " + limit + ", expected >= 0");
    }
  }

  /** Reads the UTF-8 JSON command of a Flight descriptor. */
  static ScanRequest fromCommand(byte[] command) {
    JsonNode node;
    try {
      node = JSON.readTree(new String(command, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new RequestException(
          "Invalid command: not JSON ("
              + e.getOriginalMessage()
              + " at column "
              + e.getLocation().getColumnNr()
              + "), expected {\"table\": \"db.events\", ...}");
    }
    if (node == null || !node.isObject()) {
      throw new RequestException(
          "Invalid command: not a JSON object, expected {\"table\": \"db.events\", ...}");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw new RequestException(
            "Invalid command: unknown key \"" + name + "\", expected one of " + sorted(KEYS));
      }
    }
    String table = text(node, "table");
    if (table == null) {
      throw new RequestException("Invalid command: \"table\" is missing");
    }
    Long batch = number(node, "batch_size");
    if (batch != null && (batch < 1 || batch > MAX_BATCH_SIZE)) {
      throw new RequestException(
          "Invalid batch_size: " + batch + ", expected 1 to " + MAX_BATCH_SIZE);
    }
    return new ScanRequest(
        table,
        columns(node.get("select")),
        text(node, "filter"),
        number(node, "snapshot_id"),
        batch == null ? DEFAULT_BATCH_SIZE : batch.intValue(),
        number(node, "target_split_bytes"),
        null);
  }

  private static List<String> columns(JsonNode select) {
    if (select == null || select.isNull()) {
      return null;
    }
    if (!select.isArray() || select.isEmpty()) {
      throw new RequestException(
          "Invalid select: " + select + ", expected a non-empty array of column names");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : select) {
      if (!name.isTextual() || name.asText().isBlank()) {
        throw new RequestException("Invalid select: " + name + ", expected a column name");
      }
      names.add(name.asText());
    }
    return names;
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new RequestException("Invalid " + key + ": " + value + ", expected a string");
    }
    return value.asText();
  }

  private static Long number(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new RequestException("Invalid " + key + ": " + value + ", expected an integer");
    }
    return value.asLong();
  }

  private static List<String> sorted(Set<String> keys) {
    List<String> list = new ArrayList<>(keys);
    list.sort(null);
    return list;
  }

  /** A request that cannot be served as asked: INVALID_ARGUMENT, HTTP 400. */
  static final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RequestException(String message) {
      super(message);
    }
  }
}
