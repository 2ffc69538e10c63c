package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.scan.DataScan;
import java.util.ArrayList;
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
