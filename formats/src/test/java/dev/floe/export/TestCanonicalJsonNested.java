package dev.floe.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** Structs, lists and maps, with vectors laid out as Arrow's standard nested types. */
class TestCanonicalJsonNested {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(
              1,
              "st",
              Types.StructType.of(
                  Types.NestedField.optional(2, "a", Types.IntegerType.get()),
                  Types.NestedField.optional(
                      3,
                      "inner",
                      Types.StructType.of(
                          Types.NestedField.optional(4, "x", Types.DoubleType.get()))))),
          Types.NestedField.optional(5, "li", Types.ListType.ofOptional(6, Types.StringType.get())),
          Types.NestedField.optional(
              7,
              "m",
              Types.MapType.ofOptional(8, 9, Types.IntegerType.get(), Types.StringType.get())),
          Types.NestedField.optional(
              10,
              "ms",
              Types.MapType.ofRequired(11, 12, Types.StringType.get(), Types.IntegerType.get())));

  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), List.of(children));
  }

  private static Field mapField(String name, Field key, Field value) {
    Field entries =
        new Field(
            MapVector.DATA_VECTOR_NAME,
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(key, value));
    return new Field(name, FieldType.nullable(new ArrowType.Map(false)), List.of(entries));
  }

  private static org.apache.arrow.vector.types.pojo.Schema arrowSchema() {
    return new org.apache.arrow.vector.types.pojo.Schema(
        List.of(
            field(
                "st",
                ArrowType.Struct.INSTANCE,
                field("a", new ArrowType.Int(32, true)),
                field(
                    "inner",
                    ArrowType.Struct.INSTANCE,
                    field("x", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)))),
            field("li", ArrowType.List.INSTANCE, field("element", ArrowType.Utf8.INSTANCE)),
            mapField(
                "m",
                new Field("key", FieldType.notNullable(new ArrowType.Int(32, true)), List.of()),
                field("value", ArrowType.Utf8.INSTANCE)),
            mapField(
                "ms",
                new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), List.of()),
                new Field(
                    "value", FieldType.notNullable(new ArrowType.Int(32, true)), List.of()))));
  }

  @Test
  void nestedValuesAndSortedMaps() {
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema(), allocator)) {
      root.allocateNew();
      StructVector st = (StructVector) root.getVector("st");
      IntVector a = (IntVector) st.getChild("a");
      StructVector inner = (StructVector) st.getChild("inner");
      Float8Vector x = (Float8Vector) inner.getChild("x");
      // row 0: {"a":7,"inner":{"x":-0}}; row 1: {"a":null,"inner":null}; row 2: null
      st.setIndexDefined(0);
      a.setSafe(0, 7);
      inner.setIndexDefined(0);
      x.setSafe(0, -0.0);
      st.setIndexDefined(1);
      a.setNull(1);
      inner.setNull(1);
      st.setNull(2);

      ListVector li = (ListVector) root.getVector("li");
      VarCharVector elements = (VarCharVector) li.getDataVector();
      // row 0: [null,"a"]; row 1: []; row 2: null
      int start = li.startNewValue(0);
      elements.setNull(start);
      elements.setSafe(start + 1, "a".getBytes(StandardCharsets.UTF_8));
      li.endValue(0, 2);
      li.startNewValue(1);
      li.endValue(1, 0);
      li.setNull(2);

      // int keys sort by their text: -1, -10, -2, 0, 10, 5
      MapVector m = (MapVector) root.getVector("m");
      StructVector entries = (StructVector) m.getDataVector();
      IntVector keys = (IntVector) entries.getChildByOrdinal(0);
      VarCharVector values = (VarCharVector) entries.getChildByOrdinal(1);
      int[] intKeys = {5, -10, 10, 0, -2, -1};
      start = m.startNewValue(0);
      for (int i = 0; i < intKeys.length; i++) {
        entries.setIndexDefined(start + i);
        keys.setSafe(start + i, intKeys[i]);
        if (intKeys[i] == 0) {
          values.setNull(start + i);
        } else {
          values.setSafe(start + i, ("v" + intKeys[i]).getBytes(StandardCharsets.UTF_8));
        }
      }
      m.endValue(0, intKeys.length);
      m.startNewValue(1);
      m.endValue(1, 0);
      m.setNull(2);

      // string keys sort by the UTF-8 bytes of their JSON text, escapes included:
      // "" < "A" < "\n" (backslash) < "a" < "é" < "😀" < "￿" would be wrong for UTF-16 order.
      MapVector ms = (MapVector) root.getVector("ms");
      StructVector stringEntries = (StructVector) ms.getDataVector();
      VarCharVector stringKeys = (VarCharVector) stringEntries.getChildByOrdinal(0);
      IntVector intValues = (IntVector) stringEntries.getChildByOrdinal(1);
      String[] names = {"\uffff", "a", "😀", "\n", "", "é", "A"};
      for (int row = 0; row < 3; row++) {
        start = ms.startNewValue(row);
        for (int i = 0; i < names.length; i++) {
          stringEntries.setIndexDefined(start + i);
          stringKeys.setSafe(start + i, names[i].getBytes(StandardCharsets.UTF_8));
          intValues.setSafe(start + i, i);
        }
        ms.endValue(row, names.length);
      }
      root.setRowCount(3);

      CanonicalJson json = CanonicalJson.forSchema(SCHEMA);
      String sortedStrings =
          "[{\"key\":\"\",\"value\":4},{\"key\":\"A\",\"value\":6},{\"key\":\"\\n\",\"value\":3},"
              + "{\"key\":\"a\",\"value\":1},{\"key\":\"é\",\"value\":5},"
              + "{\"key\":\"\uffff\",\"value\":0},{\"key\":\"😀\",\"value\":2}]";
      assertThat(json.line(root, 0))
          .isEqualTo(
              "{\"st\":{\"a\":7,\"inner\":{\"x\":-0}},\"li\":[null,\"a\"],"
                  + "\"m\":[{\"key\":-1,\"value\":\"v-1\"},{\"key\":-10,\"value\":\"v-10\"},"
                  + "{\"key\":-2,\"value\":\"v-2\"},{\"key\":0,\"value\":null},"
                  + "{\"key\":10,\"value\":\"v10\"},{\"key\":5,\"value\":\"v5\"}],"
                  + "\"ms\":"
                  + sortedStrings
                  + "}");
      assertThat(json.line(root, 1))
          .isEqualTo(
              "{\"st\":{\"a\":null,\"inner\":null},\"li\":[],\"m\":[],\"ms\":"
                  + sortedStrings
                  + "}");
      assertThat(json.line(root, 2))
          .isEqualTo("{\"st\":null,\"li\":null,\"m\":null,\"ms\":" + sortedStrings + "}");
    }
  }
}
