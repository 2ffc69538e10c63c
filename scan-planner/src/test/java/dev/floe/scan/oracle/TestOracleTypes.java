package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.scan.DataScan;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;

/**
 * The types table: every Iceberg type with edge values, nested ones included (structs, lists of
 * primitives and of structs, maps with primitive and struct values, lists of lists, maps with
 * required values), compared value by value.
 */
class TestOracleTypes extends OracleComparison {
  @Override
  String tableName() {
    return "types";
  }

  @Test
  void comparesEveryColumn() {
    assertThat(comparedColumns()).hasSize(24).contains("st", "li", "lst", "m", "m_complex");
  }

  @Test
  void nestedPathsSelectPartsOfStructs() {
    List<String> expected =
        oracle().expectedLines().stream()
            .map(JsonLine::members)
            .map(row -> JsonLine.project(row, List.of("id", "st")))
            .map(TestOracleTypes::onlyInnerX)
            .collect(Collectors.toList());
    List<String> actual = FloeLines.read(DataScan.of(table()).select("id", "st.inner.x"), 1000);
    assertThat(actual).isEqualTo(expected);
  }

  /**
   * Spark wrote the {@code u} column (uuid) and its Parquet statistics, whose order (unsigned
   * bytes) Iceberg 1.11's pruning misreads. Equality finds each sampled value, and ranges return
   * the rows whose text sorts before or after the bound, as SQL compares UUIDs.
   */
  @Test
  void uuidFiltersFindTheRowsSparkWrote() {
    TreeMap<String, List<String>> idsByUuid = new TreeMap<>();
    for (String line : oracle().expectedLines()) {
      Map<String, String> row = JsonLine.members(line);
      String u = row.get("u");
      if (!u.equals("null")) {
        idsByUuid
            .computeIfAbsent(u.substring(1, u.length() - 1), k -> new ArrayList<>())
            .add(row.get("id"));
      }
    }
    List<String> values = List.copyOf(idsByUuid.keySet());
    assertThat(values).hasSizeGreaterThan(100);
    List<String> sample = new ArrayList<>();
    for (int i = 0; i < values.size(); i += values.size() / 40) {
      sample.add(values.get(i));
    }
    sample.add(values.get(values.size() - 1));
    for (String u : sample) {
      UUID uuid = UUID.fromString(u);
      assertThat(ids(Expressions.equal("u", uuid)))
          .as("u = %s", u)
          .isEqualTo(sorted(idsByUuid.get(u)));
      assertThat(ids(Expressions.lessThan("u", uuid)))
          .as("u < %s", u)
          .isEqualTo(sorted(idsByUuid.headMap(u, false).values()));
      assertThat(ids(Expressions.greaterThanOrEqual("u", uuid)))
          .as("u >= %s", u)
          .isEqualTo(sorted(idsByUuid.tailMap(u, true).values()));
    }
  }

  /**
   * {@code column = value} for sampled values of every primitive column Spark wrote (floating-point
   * zeros and non-finite values left out: SQL's {@code -0.0 = 0.0} and NaN have their own tests)
   * returns the rows whose value Spark read back as that value.
   */
  @Test
  void equalityOnEveryPrimitiveColumnFindsSparksRows() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : oracle().expectedLines()) {
      rows.add(json.readTree(line));
    }
    int checked = 0;
    for (String column :
        List.of(
            "b",
            "i",
            "l",
            "f",
            "d",
            "dec_9_2",
            "dec_18_6",
            "dec_38_10",
            "s",
            "bin",
            "fix",
            "u",
            "dt",
            "ts",
            "ts_ntz",
            "req_s")) {
      TreeMap<String, JsonNode> values = new TreeMap<>();
      for (JsonNode row : rows) {
        JsonNode value = row.get(column);
        if (!value.isNull()) {
          values.put(value.toString(), value);
        }
      }
      List<JsonNode> distinct = List.copyOf(values.values());
      for (int i = 0; i < distinct.size(); i += Math.max(1, distinct.size() / 12)) {
        JsonNode value = distinct.get(i);
        Object literal = literal(column, value);
        if (literal == null) {
          continue;
        }
        List<String> expected = new ArrayList<>();
        for (JsonNode row : rows) {
          if (row.get(column).equals(value)) {
            expected.add(row.get("id").asText());
          }
        }
        assertThat(ids(Expressions.equal(column, literal)))
            .as("%s = %s", column, value)
            .isEqualTo(sorted(expected));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(150);
  }

  /** The Iceberg literal of a canonical JSON value of {@code column}, or null to leave it out. */
  private static Object literal(String column, JsonNode value) {
    switch (column) {
      case "b":
        return value.asBoolean();
      case "i":
        return value.asInt();
      case "l":
        return value.asLong();
      case "f":
      case "d":
        if (!value.isNumber() || value.asDouble() == 0) {
          return null; // "NaN", "Infinity", zeros
        }
        return column.equals("f") ? (Object) Float.parseFloat(value.toString()) : value.asDouble();
      case "dec_9_2":
      case "dec_18_6":
      case "dec_38_10":
        return new BigDecimal(value.asText());
      case "bin":
      case "fix":
        return ByteBuffer.wrap(Base64.getDecoder().decode(value.asText()));
      case "u":
        return UUID.fromString(value.asText());
      default: // strings, and dates and timestamps as ISO text (Iceberg converts them)
        return value.asText();
    }
  }

  private List<String> ids(Expression filter) {
    List<String> ids = new ArrayList<>();
    for (String line : FloeLines.read(DataScan.of(table()).select("id").filter(filter), 1000)) {
      ids.add(JsonLine.members(line).get("id"));
    }
    return sorted(ids);
  }

  private static List<String> sorted(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    copy.sort(Comparator.comparingLong(Long::parseLong));
    return copy;
  }

  private static List<String> sorted(Collection<List<String>> ids) {
    List<String> flat = new ArrayList<>();
    ids.forEach(flat::addAll);
    return sorted(flat);
  }

  /** The line of {@code id} and {@code st} with {@code st} cut down to {@code inner.x}. */
  private static String onlyInnerX(String line) {
    Map<String, String> members = JsonLine.members(line);
    String st = members.get("st");
    String projected;
    if (st.equals("null")) {
      projected = "null";
    } else {
      String inner = JsonLine.members(st).get("inner");
      projected =
          inner.equals("null")
              ? "{\"inner\":null}"
              : "{\"inner\":{\"x\":" + JsonLine.members(inner).get("x") + "}}";
    }
    return "{\"id\":" + members.get("id") + ",\"st\":" + projected + "}";
  }
}
