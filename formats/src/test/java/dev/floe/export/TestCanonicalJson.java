package dev.floe.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.arrow.ArrowSchemaUtil;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class TestCanonicalJson {
  // The primitive columns of the oracle's "types" table.
  private static final Schema PRIMITIVES =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "b", Types.BooleanType.get()),
          Types.NestedField.optional(3, "i", Types.IntegerType.get()),
          Types.NestedField.optional(4, "l", Types.LongType.get()),
          Types.NestedField.optional(5, "f", Types.FloatType.get()),
          Types.NestedField.optional(6, "d", Types.DoubleType.get()),
          Types.NestedField.optional(7, "dec_9_2", Types.DecimalType.of(9, 2)),
          Types.NestedField.optional(8, "dec_18_6", Types.DecimalType.of(18, 6)),
          Types.NestedField.optional(9, "dec_38_10", Types.DecimalType.of(38, 10)),
          Types.NestedField.optional(10, "s", Types.StringType.get()),
          Types.NestedField.optional(11, "bin", Types.BinaryType.get()),
          Types.NestedField.optional(12, "fix", Types.FixedType.ofLength(16)),
          Types.NestedField.optional(13, "u", Types.UUIDType.get()),
          Types.NestedField.optional(14, "dt", Types.DateType.get()),
          Types.NestedField.optional(15, "ts", Types.TimestampType.withZone()),
          Types.NestedField.optional(16, "ts_ntz", Types.TimestampType.withoutZone()),
          Types.NestedField.required(17, "req_s", Types.StringType.get()));

  @Test
  void primitiveRowsMatchTheOracleLines() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(PRIMITIVES), allocator)) {
      root.allocateNew();
      // id 0: everything null but the required string.
      ((BigIntVector) root.getVector("id")).setSafe(0, 0);
      varchar(root, "req_s").setSafe(0, bytes(""));
      // id 1: the minimum of every type.
      ((BigIntVector) root.getVector("id")).setSafe(1, 1);
      ((BitVector) root.getVector("b")).setSafe(1, 0);
      ((IntVector) root.getVector("i")).setSafe(1, Integer.MIN_VALUE);
      ((BigIntVector) root.getVector("l")).setSafe(1, Long.MIN_VALUE);
      ((Float4Vector) root.getVector("f")).setSafe(1, -Float.MAX_VALUE);
      ((Float8Vector) root.getVector("d")).setSafe(1, -Double.MAX_VALUE);
      decimal(root, "dec_9_2").setSafe(1, new BigDecimal("-9999999.99"));
      decimal(root, "dec_18_6").setSafe(1, new BigDecimal("-999999999999.999999"));
      decimal(root, "dec_38_10")
          .setSafe(1, new BigDecimal("-9999999999999999999999999999.9999999999"));
      varchar(root, "s").setSafe(1, bytes(""));
      ((VarBinaryVector) root.getVector("bin")).setSafe(1, new byte[0]);
      ((FixedSizeBinaryVector) root.getVector("fix")).setSafe(1, new byte[16]);
      ((FixedSizeBinaryVector) root.getVector("u")).setSafe(1, new byte[16]);
      ((DateDayVector) root.getVector("dt")).setSafe(1, (int) LocalDate.of(1, 1, 1).toEpochDay());
      ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(1, -62135596800000000L);
      ((TimeStampMicroVector) root.getVector("ts_ntz")).setSafe(1, -62135596800000000L);
      varchar(root, "req_s").setSafe(1, bytes("min"));
      // id 4: infinities, the smallest decimals, non-ASCII, the last microsecond before 1970.
      ((BigIntVector) root.getVector("id")).setSafe(2, 4);
      ((BitVector) root.getVector("b")).setSafe(2, 1);
      ((IntVector) root.getVector("i")).setSafe(2, -1);
      ((BigIntVector) root.getVector("l")).setSafe(2, -1);
      ((Float4Vector) root.getVector("f")).setSafe(2, Float.POSITIVE_INFINITY);
      ((Float8Vector) root.getVector("d")).setSafe(2, Double.NEGATIVE_INFINITY);
      decimal(root, "dec_9_2").setSafe(2, new BigDecimal("-0.01"));
      decimal(root, "dec_18_6").setSafe(2, new BigDecimal("-0.000001"));
      decimal(root, "dec_38_10").setSafe(2, new BigDecimal("-0.0000000001"));
      varchar(root, "s").setSafe(2, bytes("日本語 😀"));
      ((VarBinaryVector) root.getVector("bin")).setSafe(2, new byte[] {-1, 0, 1});
      ((FixedSizeBinaryVector) root.getVector("fix"))
          .setSafe(2, uuidBytes("ac3809bb-b87f-56e8-4fd7-30eb0d948bcf"));
      ((FixedSizeBinaryVector) root.getVector("u"))
          .setSafe(2, uuidBytes("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
      ((DateDayVector) root.getVector("dt")).setSafe(2, -1);
      ((TimeStampMicroTZVector) root.getVector("ts")).setSafe(2, -1);
      ((TimeStampMicroVector) root.getVector("ts_ntz")).setSafe(2, -1);
      varchar(root, "req_s").setSafe(2, bytes("pre-epoch"));
      root.setRowCount(3);

      CanonicalJson json = CanonicalJson.forSchema(PRIMITIVES);
      assertThat(json.line(root, 0))
          .isEqualTo(
              "{\"id\":0,\"b\":null,\"i\":null,\"l\":null,\"f\":null,\"d\":null,\"dec_9_2\":null,"
                  + "\"dec_18_6\":null,\"dec_38_10\":null,\"s\":null,\"bin\":null,\"fix\":null,"
                  + "\"u\":null,\"dt\":null,\"ts\":null,\"ts_ntz\":null,\"req_s\":\"\"}");
      assertThat(json.line(root, 1))
          .isEqualTo(
              "{\"id\":1,\"b\":false,\"i\":-2147483648,\"l\":-9223372036854775808,"
                  + "\"f\":-3.4028235e+38,\"d\":-1.7976931348623157e+308,\"dec_9_2\":\"-9999999.99\","
                  + "\"dec_18_6\":\"-999999999999.999999\","
                  + "\"dec_38_10\":\"-9999999999999999999999999999.9999999999\",\"s\":\"\",\"bin\":\"\","
                  + "\"fix\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"u\":\"00000000-0000-0000-0000-000000000000\","
                  + "\"dt\":\"0001-01-01\",\"ts\":\"0001-01-01T00:00:00.000000Z\","
                  + "\"ts_ntz\":\"0001-01-01T00:00:00.000000\",\"req_s\":\"min\"}");
      assertThat(json.line(root, 2))
          .isEqualTo(
              "{\"id\":4,\"b\":true,\"i\":-1,\"l\":-1,\"f\":\"Infinity\",\"d\":\"-Infinity\","
                  + "\"dec_9_2\":\"-0.01\",\"dec_18_6\":\"-0.000001\",\"dec_38_10\":\"-0.0000000001\","
                  + "\"s\":\"日本語 😀\",\"bin\":\"/wAB\",\"fix\":\"rDgJu7h/VuhP1zDrDZSLzw==\","
                  + "\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\",\"dt\":\"1969-12-31\","
                  + "\"ts\":\"1969-12-31T23:59:59.999999Z\",\"ts_ntz\":\"1969-12-31T23:59:59.999999\","
                  + "\"req_s\":\"pre-epoch\"}");

      StringBuilder out = new StringBuilder("prefix|");
      json.append(out, root, 0);
      assertThat(out.toString()).startsWith("prefix|{\"id\":0,").endsWith("}");
    }
  }

  @Test
  void decimalsAtEveryWidth() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "d0", Types.DecimalType.of(38, 0)),
            Types.NestedField.optional(2, "d10", Types.DecimalType.of(38, 10)));
    String[][] cases = {
      {"0", "0.0000000000"},
      {"-9223372036854775808", "-922337203.6854775808"},
      {"9223372036854775807", "922337203.6854775807"},
      {"-9223372036854775809", "-922337203.6854775809"},
      {"99999999999999999999999999999999999999", "9999999999999999999999999999.9999999999"},
      {"-99999999999999999999999999999999999999", "-0.0000000001"},
    };
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(schema), allocator)) {
      root.allocateNew();
      for (int row = 0; row < cases.length; row++) {
        decimal(root, "d0").setSafe(row, new BigDecimal(cases[row][0]));
        decimal(root, "d10").setSafe(row, new BigDecimal(cases[row][1]));
      }
      root.setRowCount(cases.length);
      CanonicalJson json = CanonicalJson.forSchema(schema);
      for (int row = 0; row < cases.length; row++) {
        assertThat(json.line(root, row))
            .isEqualTo("{\"d0\":\"" + cases[row][0] + "\",\"d10\":\"" + cases[row][1] + "\"}");
      }
    }
  }

  @Test
  void timeAndNanosecondTimestamps() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "t", Types.TimeType.get()),
            Types.NestedField.optional(2, "ts_ns", Types.TimestampNanoType.withZone()));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(schema), allocator)) {
      root.allocateNew();
      ((TimeMicroVector) root.getVector("t")).setSafe(0, 86_399_999_999L);
      ((TimeStampNanoTZVector) root.getVector("ts_ns")).setSafe(0, -1L);
      root.setRowCount(1);
      assertThat(CanonicalJson.forSchema(schema).line(root, 0))
          .isEqualTo("{\"t\":\"23:59:59.999999\",\"ts_ns\":\"1969-12-31T23:59:59.999999999Z\"}");
    }
  }

  @Test
  void rejectsVectorsThatDoNotMatchTheIcebergType() {
    Schema declared =
        new Schema(Types.NestedField.optional(1, "ts", Types.TimestampType.withZone()));
    Schema actual =
        new Schema(Types.NestedField.optional(1, "ts", Types.TimestampType.withoutZone()));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(actual), allocator)) {
      root.allocateNew();
      root.setRowCount(1);
      assertThatThrownBy(() -> CanonicalJson.forSchema(declared).line(root, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot encode column ts: expected TimeStampMicroTZVector");
      Schema renamed =
          new Schema(Types.NestedField.optional(1, "other", Types.TimestampType.withoutZone()));
      assertThatThrownBy(() -> CanonicalJson.forSchema(renamed).line(root, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot encode row: column 0 is 'ts' but the schema expects 'other'");
      assertThatThrownBy(() -> CanonicalJson.forSchema(actual).line(root, 1))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void fixedOfAnotherWidthIsRejected() {
    Schema declared = new Schema(Types.NestedField.optional(1, "u", Types.UUIDType.get()));
    Schema actual = new Schema(Types.NestedField.optional(1, "u", Types.FixedType.ofLength(8)));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(actual), allocator)) {
      root.allocateNew();
      root.setRowCount(1);
      assertThatThrownBy(() -> CanonicalJson.forSchema(declared).line(root, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot encode column u: expected 16-byte values but the vector has 8");
    }
  }

  @Test
  void reencodesAfterTheRootSwapsItsVectors() {
    Schema schema = new Schema(Types.NestedField.optional(1, "x", Types.IntegerType.get()));
    try (BufferAllocator allocator = new RootAllocator()) {
      CanonicalJson json = CanonicalJson.forSchema(schema);
      for (int value = 0; value < 3; value++) {
        try (VectorSchemaRoot root =
            VectorSchemaRoot.create(ArrowSchemaUtil.convert(schema), allocator)) {
          root.allocateNew();
          ((IntVector) root.getVector(0)).setSafe(0, value);
          root.setRowCount(1);
          assertThat(json.line(root, 0)).isEqualTo("{\"x\":" + value + "}");
        }
      }
    }
  }

  static VarCharVector varchar(VectorSchemaRoot root, String name) {
    return (VarCharVector) root.getVector(name);
  }

  static DecimalVector decimal(VectorSchemaRoot root, String name) {
    return (DecimalVector) root.getVector(name);
  }

  static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] uuidBytes(String uuid) {
    UUID value = UUID.fromString(uuid);
    return ByteBuffer.allocate(16)
        .putLong(value.getMostSignificantBits())
        .putLong(value.getLeastSignificantBits())
        .array();
  }
}
