package dev.floe.cli.filter;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestSqlFilter {
  private static final Schema SCHEMA =
      new Schema(
          required(1, "id", Types.LongType.get()),
          optional(2, "category", Types.StringType.get()),
          optional(3, "qty", Types.IntegerType.get()),
          optional(4, "value", Types.DoubleType.get()),
          optional(5, "amount", Types.DecimalType.of(12, 2)),
          optional(6, "flag", Types.BooleanType.get()),
          optional(7, "ts", Types.TimestampType.withZone()),
          optional(8, "day", Types.DateType.get()),
          optional(9, "u", Types.UUIDType.get()),
          optional(10, "b", Types.BinaryType.get()),
          optional(11, "ntz", Types.TimestampType.withoutZone()),
          optional(12, "note", Types.StringType.get()));

  /** Rows in Iceberg's internal representation (what Evaluator sees from the reader). */
  private static final List<Record> ROWS = rows();

  private static List<Record> rows() {
    List<Record> rows = new ArrayList<>();
    rows.add(row(1, "alpha", 5, 1.5, "12.50", true, 0L, 19_723, "note"));
    rows.add(row(2, "beta", 10, Double.NaN, "-3.00", false, 1_704_067_200_000_000L, 19_724, null));
    rows.add(row(3, null, null, null, null, null, null, null, null));
    rows.add(row(4, "beta", 50, 2.5, "99.99", true, 1_704_067_200_000_001L, 19_725, ""));
    return rows;
  }

  private static Record row(
      long id,
      String category,
      Integer qty,
      Double value,
      String amount,
      Boolean flag,
      Long ts,
      Integer day,
      String note) {
    GenericRecord record = GenericRecord.create(SCHEMA.asStruct());
    record.setField("id", id);
    record.setField("category", category);
    record.setField("qty", qty);
    record.setField("value", value);
    record.setField("amount", amount == null ? null : new BigDecimal(amount));
    record.setField("flag", flag);
    record.setField("ts", ts);
    record.setField("day", day);
    record.setField("u", id == 1 ? UUID.fromString("00000000-0000-0000-0000-000000000001") : null);
    record.setField("b", id == 1 ? ByteBuffer.wrap(new byte[] {1, 2}) : null);
    record.setField("ntz", ts);
    record.setField("note", note);
    return record;
  }

  private static List<Long> matching(String sql) {
    Expression expression = SqlFilter.parse(sql, SCHEMA, true);
    Evaluator evaluator = new Evaluator(SCHEMA.asStruct(), expression, true);
    List<Long> ids = new ArrayList<>();
    for (Record row : ROWS) {
      if (evaluator.eval(row)) {
        ids.add((Long) row.getField("id"));
      }
    }
    return ids;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // comparisons never match NULL (Iceberg's evaluator alone would match null for <, <>)
        "qty < 10 | 1",
        "qty <= 10 | 1,2",
        "qty > 5 | 2,4",
        "qty >= 10 | 2,4",
        "qty = 10 | 2",
        "qty <> 10 | 1,4",
        "qty != 10 | 1,4",
        "10 > qty | 1",
        "-1 < qty | 1,2,4",
        "NOT (qty < 10) | 2,4",
        "NOT qty = 5 | 2,4",
        "qty IN (5, 50) | 1,4",
        "qty NOT IN (5, 50) | 2",
        "qty IN (5, NULL) | 1",
        "qty NOT IN (5, NULL) | ''",
        "NOT (qty NOT IN (5, 50)) | 1,4",
        "qty BETWEEN 5 AND 10 | 1,2",
        "qty NOT BETWEEN 5 AND 10 | 4",
        "category IS NULL | 3",
        "category IS NOT NULL | 1,2,4",
        "NOT (category IS NULL) | 1,2,4",
        "category = 'beta' AND qty < 20 | 2",
        "category = 'beta' OR qty < 20 | 1,2,4",
        "NOT (category = 'beta' OR qty < 20) | ''",
        "NOT (category = 'beta' AND qty > 20) | 1,2",
        "category LIKE 'be%' | 2,4",
        "category NOT LIKE 'be%' | 1",
        "category LIKE 'beta' | 2,4",
        "flag | 1,4",
        "NOT flag | 2",
        "flag = true | 1,4",
        "flag IS TRUE | 1,4",
        "flag IS NOT TRUE | 2,3",
        "flag IS FALSE | 2",
        "flag IS NOT FALSE | 1,3,4",
        "isnan(value) | 2",
        "NOT isnan(value) | 1,4",
        "value > 2 | 2,4",
        "amount = 12.5 | 1",
        "amount < 0 | 2",
        "amount >= -3 | 1,2,4",
        "ts = TIMESTAMP '1970-01-01 00:00:00' | 1",
        "ts >= TIMESTAMP '2024-01-01T00:00:00Z' | 2,4",
        "ts > '2024-01-01 00:00:00' | 4",
        "ts > TIMESTAMP '2024-01-01 01:00:00+01:00' | 4",
        "ntz = TIMESTAMP '2024-01-01 00:00:00' | 2",
        "day = DATE '2024-01-01' | 1",
        "day > '2024-01-01' | 2,4",
        "u = '00000000-0000-0000-0000-000000000001' | 1",
        "b = X'0102' | 1",
        "note = '' | 4",
        "note <> '' | 1",
        "TRUE | 1,2,3,4",
        "FALSE | ''",
        "id = 2 OR (category IS NULL AND id > 2) | 2,3",
        "`qty` = 5 | 1",
        "\"qty\" = 5 | 1",
      })
  void matchesLikeSql(String sql, String expected) {
    List<Long> ids = new ArrayList<>();
    if (!expected.isEmpty()) {
      for (String id : expected.split(",")) {
        ids.add(Long.parseLong(id));
      }
    }
    assertThat(matching(sql)).as(sql).isEqualTo(ids);
  }

  @Test
  void matchesColumnNamesIgnoringCaseWhenAsked() {
    Expression expression = SqlFilter.parse("QTY < 10", SCHEMA, false);
    assertThat(new Evaluator(SCHEMA.asStruct(), expression, true).eval(ROWS.get(0))).isTrue();
    assertThatThrownBy(() -> SqlFilter.parse("QTY < 10", SCHEMA, true))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("unknown column 'QTY'");
  }

  @Test
  void convertsLiteralsToTheColumnType() {
    assertThat(SqlFilter.parse("amount = 12.5", SCHEMA, true).toString()).contains("12.50");
    assertThat(SqlFilter.parse("day = DATE '2024-01-01'", SCHEMA, true).toString())
        .contains(Integer.toString((int) LocalDate.parse("2024-01-01").toEpochDay()));
    // a required column needs no null guard
    assertThat(SqlFilter.parse("id < 5", SCHEMA, true).toString()).doesNotContain("not_null");
    assertThat(SqlFilter.parse("qty < 5", SCHEMA, true).toString()).contains("not_null");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "id < 100 AND categry = 'beta' | 14 | unknown column 'categry'",
        "id < 100 AND AND | 10 | unexpected 'AND'",
        "id = 1 garbage | 8 | unexpected 'garbage'",
        "id < | 4 | unexpected '<'",
        "qty = 'abc' | 7 | 'abc'",
        "qty = 3000000000 | 7 | out of range for int",
        "amount = 1.234 | 10 | more than 2 digits after the decimal point",
        "day = DATE '2024-13-01' | 7 | expected DATE 'YYYY-MM-DD'",
        "ntz = TIMESTAMP '2024-01-01 00:00:00Z' | 7 | time zone offset",
        "u = 'not-a-uuid' | 5 | 8-4-4-4-12",
        "category = \"beta\" | 12 | write string literals in single quotes",
        "\"categry\" = 'beta' | 1 | double quotes name a column",
        "qty = NULL | 7 | use qty IS NULL",
        "category LIKE '%eta' | 15 | 'prefix%'",
        "category LIKE 'b_ta' | 15 | 'prefix%'",
        "qty = qty | 7 | cannot compare column qty with another column",
        "category = 'x | 12 | unterminated string",
        "qty + 1 > 2 | 1 | a comparison needs a column on one side",
        "upper(category) = 'X' | 1 | a comparison needs a column on one side",
        "isnan(qty) | 1 | float or double",
        "qty | 1 | not boolean",
      })
  void rejectsWithPosition(String sql, int position, String message) {
    assertThatThrownBy(() -> SqlFilter.parse(sql, SCHEMA, true))
        .isInstanceOfSatisfying(
            FilterException.class, e -> assertThat(e.position()).as(sql).isEqualTo(position))
        .hasMessageContaining(message)
        .hasMessageContaining("at position " + position)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void rejectsAnEmptyFilter() {
    assertThatThrownBy(() -> SqlFilter.parse("  ", SCHEMA, true))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("empty");
  }
}
