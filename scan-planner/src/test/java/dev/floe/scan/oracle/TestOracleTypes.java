package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.scan.DataScan;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
