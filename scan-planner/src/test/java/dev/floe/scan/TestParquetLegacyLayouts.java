package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Types;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lists and maps in the legacy layouts older writers (Hive, parquet-avro, parquet-thrift, old
 * Spark) used, written with parquet-mr's own example writer and registered in Iceberg tables: a
 * repeated primitive inside a LIST group, a repeated group named {@code array}, one named {@code
 * <list>_tuple}, a repeated group of several fields, a MAP whose repeated group is annotated
 * MAP_KEY_VALUE; once with field ids in the file and once without, through the table's name
 * mapping. Compared with IcebergGenerics. A repeated field without annotation (which Iceberg's own
 * readers reject) reads as a required list of required elements, compared with the values written.
 */
class TestParquetLegacyLayouts {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(
              2, "a2", Types.ListType.ofRequired(3, Types.IntegerType.get())),
          Types.NestedField.optional(
              4,
              "arr",
              Types.ListType.ofRequired(
                  5,
                  Types.StructType.of(Types.NestedField.optional(6, "s", Types.StringType.get())))),
          Types.NestedField.optional(
              7,
              "tup",
              Types.ListType.ofRequired(
                  8,
                  Types.StructType.of(
                      Types.NestedField.optional(9, "t", Types.IntegerType.get())))),
          Types.NestedField.optional(
              10,
              "multi",
              Types.ListType.ofRequired(
                  11,
                  Types.StructType.of(
                      Types.NestedField.optional(12, "x", Types.IntegerType.get()),
                      Types.NestedField.optional(13, "y", Types.IntegerType.get())))),
          Types.NestedField.optional(
              14,
              "mkv",
              Types.MapType.ofOptional(15, 16, Types.StringType.get(), Types.IntegerType.get())));

  private static final int ROWS = 1500;

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static Table withIds;
  private static Table mapped;
  private static Table bare;
  private static List<String> bareExpected;
  private static final Map<String, List<String>> EXPECTED = new java.util.HashMap<>();

  @BeforeAll
  static void createTables() throws IOException {
    warehouse = Warehouse.hadoop(dir);
    withIds = create("legacy_ids");
    append(withIds, legacySchema(withIds.schema(), true), "ids");
    mapped = create("legacy_mapped");
    mapped
        .updateProperties()
        .set(
            TableProperties.DEFAULT_NAME_MAPPING,
            NameMappingParser.toJson(MappingUtil.create(mapped.schema())))
        .commit();
    append(mapped, legacySchema(mapped.schema(), false), "mapped");
    bare = createBare();
  }

  @AfterAll
  static void closeWarehouse() throws IOException {
    warehouse.close();
  }

  private static Table create(String name) {
    return warehouse
        .catalog()
        .createTable(TableIdentifier.of("db", name), SCHEMA, PartitionSpec.unpartitioned());
  }

  /** The file's schema in the legacy layouts, with the table's field ids or none. */
  private static MessageType legacySchema(Schema table, boolean ids) {
    String text =
        "message legacy {\n"
            + "  required int64 id @id;\n"
            + "  optional group a2 (LIST) @a2 { repeated int32 element @a2.element; }\n"
            + "  optional group arr (LIST) @arr {\n"
            + "    repeated group array @arr.element { optional binary s (UTF8) @arr.element.s; }\n"
            + "  }\n"
            + "  optional group tup (LIST) @tup {\n"
            + "    repeated group tup_tuple @tup.element { optional int32 t @tup.element.t; }\n"
            + "  }\n"
            + "  optional group multi (LIST) @multi {\n"
            + "    repeated group element @multi.element {\n"
            + "      optional int32 x @multi.element.x;\n"
            + "      optional int32 y @multi.element.y;\n"
            + "    }\n"
            + "  }\n"
            + "  optional group mkv (MAP) @mkv {\n"
            + "    repeated group map (MAP_KEY_VALUE) {\n"
            + "      required binary key (UTF8) @mkv.key;\n"
            + "      optional int32 value @mkv.value;\n"
            + "    }\n"
            + "  }\n"
            + "}\n";
    StringBuilder resolved = new StringBuilder();
    java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("@([\\w.]+)").matcher(text);
    while (matcher.find()) {
      String replacement = ids ? "= " + table.findField(matcher.group(1)).fieldId() : "";
      matcher.appendReplacement(resolved, replacement);
    }
    matcher.appendTail(resolved);
    return MessageTypeParser.parseMessageType(resolved.toString());
  }

  private static void append(Table table, MessageType schema, String name) throws IOException {
    Path file = Path.of(table.location(), "data", name + ".parquet");
    Files.createDirectories(file.getParent());
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    Random random = new Random(42);
    List<String> lines = new ArrayList<>();
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toString()))
            .withConf(new Configuration())
            .withType(schema)
            .withRowGroupSize(64 * 1024L)
            .withPageSize(4 * 1024)
            .build()) {
      for (long id = 0; id < ROWS; id++) {
        writer.write(row(groups.newGroup(), id, random, lines));
      }
    }
    java.util.Collections.sort(lines);
    EXPECTED.put(table.name(), lines);
    register(table, file, ROWS);
  }

  private static void register(Table table, Path file, long rows) throws IOException {
    table
        .newAppend()
        .appendFile(
            DataFiles.builder(table.spec())
                .withPath(file.toString())
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(Files.size(file))
                .withRecordCount(rows)
                .build())
        .commit();
  }

  /** Writes a random row; adds its expected text (as {@link NestedRows} writes it) to lines. */
  private static Group row(Group row, long id, Random random, List<String> lines) {
    row.add("id", id);
    StringBuilder line = new StringBuilder("id=l" + id + "|a2=");
    if (present(random)) {
      Group a2 = row.addGroup("a2");
      List<String> values = new ArrayList<>();
      for (int i = size(random); i > 0; i--) {
        int value = random.nextInt(1000);
        a2.add("element", value);
        values.add("i" + value);
      }
      line.append('[').append(String.join(",", values)).append(']');
    } else {
      line.append("null");
    }
    line.append("|arr=").append(structList(row, "arr", "array", random, "s"));
    line.append("|tup=").append(structList(row, "tup", "tup_tuple", random, "t"));
    line.append("|multi=").append(structList(row, "multi", "element", random, "x", "y"));
    line.append("|mkv=");
    if (present(random)) {
      Group map = row.addGroup("mkv").addGroup("map");
      String key = "k" + random.nextInt(100);
      map.add("key", key);
      String value = "null";
      if (present(random)) {
        int v = random.nextInt(100);
        map.add("value", v);
        value = "i" + v;
      }
      line.append("[s'").append(key).append("':").append(value).append(']');
    } else {
      line.append("null");
    }
    lines.add(line.append('|').toString());
    return row;
  }

  /** A list of structs of optional fields ({@code s} a string, others ints); returns its text. */
  private static String structList(
      Group row, String name, String repeated, Random random, String... fields) {
    if (!present(random)) {
      return "null";
    }
    Group list = row.addGroup(name);
    List<String> elements = new ArrayList<>();
    for (int i = size(random); i > 0; i--) {
      Group element = list.addGroup(repeated);
      List<String> values = new ArrayList<>();
      for (String field : fields) {
        if (!present(random)) {
          values.add("null");
        } else if (field.equals("s")) {
          String value = "s" + random.nextInt(100);
          element.add(field, value);
          values.add("s'" + value + "'");
        } else {
          int value = random.nextInt(100);
          element.add(field, value);
          values.add("i" + value);
        }
      }
      elements.add("{" + String.join(",", values) + "}");
    }
    return "[" + String.join(",", elements) + "]";
  }

  private static boolean present(Random random) {
    return random.nextInt(5) != 0;
  }

  private static int size(Random random) {
    return random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(4);
  }

  /** A table over a file whose {@code bare} column is a repeated int32 without annotation. */
  private static Table createBare() throws IOException {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(
                2, "bare", Types.ListType.ofRequired(3, Types.IntegerType.get())));
    Table table =
        warehouse
            .catalog()
            .createTable(TableIdentifier.of("db", "bare"), schema, PartitionSpec.unpartitioned());
    MessageType file =
        MessageTypeParser.parseMessageType(
            String.format(
                "message bare { required int64 id = %d; repeated int32 bare = %d; }",
                table.schema().findField("id").fieldId(),
                table.schema().findField("bare").fieldId()));
    Path path = Path.of(table.location(), "data", "bare.parquet");
    Files.createDirectories(path.getParent());
    SimpleGroupFactory groups = new SimpleGroupFactory(file);
    Random random = new Random(3);
    bareExpected = new ArrayList<>();
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(path.toString()))
            .withConf(new Configuration())
            .withType(file)
            .withPageSize(1024)
            .build()) {
      for (long id = 0; id < ROWS; id++) {
        Group row = groups.newGroup();
        row.add("id", id);
        StringBuilder values = new StringBuilder("[");
        for (int i = size(random); i > 0; i--) {
          int value = random.nextInt(1000);
          row.add("bare", value);
          values.append(values.length() > 1 ? "," : "").append('i').append(value);
        }
        writer.write(row);
        bareExpected.add("id=l" + id + "|bare=" + values + "]|");
      }
    }
    register(table, path, ROWS);
    java.util.Collections.sort(bareExpected);
    return table;
  }

  @Test
  void theFilesUseTheLegacyLayouts() {
    MessageType schema = legacySchema(withIds.schema(), true);
    assertThat(schema.getType("arr").asGroupType().getType(0).getName()).isEqualTo("array");
    assertThat(schema.getType("a2").asGroupType().getType(0).isPrimitive()).isTrue();
    assertThat(schema.getType("mkv").asGroupType().getType(0).getLogicalTypeAnnotation())
        .isEqualTo(
            org.apache.parquet.schema.LogicalTypeAnnotation.MapKeyValueTypeAnnotation
                .getInstance());
    assertThat(legacySchema(mapped.schema(), false).getType("a2").getId()).isNull();
  }

  /**
   * Every layout, with field ids in the file or through the name mapping, reads the values written.
   * IcebergGenerics 1.11 cannot be the reference here: it fails on these 2-level lists ("Can't read
   * value in column [a2, element]", "Should not read definition, past page end") and through the
   * name mapping reads the 2-level lists of structs as null.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096})
  void legacyListsAndMapsReadTheValuesWritten(int batchSize) {
    for (Table table : List.of(withIds, mapped)) {
      assertThat(NestedRows.floe(DataScan.of(table), batchSize))
          .as("%s", table.name())
          .isEqualTo(EXPECTED.get(table.name()));
    }
  }

  /** The map in the MAP_KEY_VALUE layout, which IcebergGenerics does read, equals its rows. */
  @ParameterizedTest
  @ValueSource(ints = {7, 4096})
  void theMapMatchesIcebergGenerics(int batchSize) {
    TestParquetNestedColumns.assertSameRows(withIds, batchSize, "id", "mkv");
    TestParquetNestedColumns.assertSameRows(mapped, batchSize, "id", "mkv");
  }

  @Test
  void aProjectionOfALegacyListOfStructsKeepsItsShape() {
    List<String> expected = new ArrayList<>();
    for (String line : EXPECTED.get(withIds.name())) {
      String multi = line.substring(line.indexOf("|multi=") + 7, line.indexOf("|mkv="));
      expected.add(
          "multi="
              + multi.replaceAll("\\{([^,}]*),([^}]*)\\}", "{$2}")
              + "|"
              + line.substring(0, line.indexOf('|') + 1));
    }
    java.util.Collections.sort(expected);
    assertThat(NestedRows.floe(DataScan.of(withIds).select("multi.y", "id"), 7))
        .isEqualTo(expected);
  }

  /**
   * A repeated field without annotation: Iceberg's Parquet reader, which Floe opens files with,
   * rejects the file schema, so reading fails with the table and file named.
   */
  @Test
  void anUnannotatedRepeatedFieldFailsNamingTheFile() {
    assertThat(bareExpected).hasSize(ROWS);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NestedRows.floe(DataScan.of(bare), 7))
        .isInstanceOf(dev.floe.FloeException.class)
        .hasMessageContaining("db.bare")
        .hasMessageContaining("bare.parquet");
  }
}
