package dev.floe.scan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Iceberg tables of nested columns written by Iceberg's own Parquet writer, with random values from
 * a fixed seed: 20% nulls at every optional level, empty lists and maps, null elements, and a list
 * of 0 to 1000 elements.
 */
final class NestedTables {
  private NestedTables() {}

  /** Every nested shape the readers must decode, at depth up to five. */
  static final Schema SHAPES =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(
              2,
              "st",
              Types.StructType.of(
                  Types.NestedField.optional(3, "a", Types.IntegerType.get()),
                  Types.NestedField.optional(4, "b", Types.StringType.get()),
                  Types.NestedField.optional(
                      5,
                      "inner",
                      Types.StructType.of(
                          Types.NestedField.optional(6, "x", Types.DoubleType.get()),
                          Types.NestedField.optional(
                              7, "y", Types.ListType.ofOptional(8, Types.IntegerType.get())))))),
          Types.NestedField.optional(
              9,
              "deep",
              Types.StructType.of(
                  Types.NestedField.optional(
                      10,
                      "l",
                      Types.ListType.ofOptional(
                          11,
                          Types.MapType.ofOptional(
                              12,
                              13,
                              Types.StringType.get(),
                              Types.StructType.of(
                                  Types.NestedField.optional(14, "p", Types.IntegerType.get()),
                                  Types.NestedField.optional(15, "q", Types.StringType.get()))))))),
          Types.NestedField.optional(
              16,
              "ll",
              Types.ListType.ofOptional(
                  17, Types.ListType.ofOptional(18, Types.IntegerType.get()))),
          Types.NestedField.optional(
              19,
              "ms",
              Types.MapType.ofOptional(
                  20,
                  21,
                  Types.IntegerType.get(),
                  Types.StructType.of(
                      Types.NestedField.optional(22, "u", Types.LongType.get()),
                      Types.NestedField.optional(
                          23, "v", Types.ListType.ofOptional(24, Types.StringType.get()))))),
          Types.NestedField.optional(
              25,
              "ls",
              Types.ListType.ofOptional(
                  26,
                  Types.StructType.of(
                      Types.NestedField.optional(27, "k", Types.IntegerType.get()),
                      Types.NestedField.optional(28, "v", Types.StringType.get())))),
          Types.NestedField.required(
              29,
              "req",
              Types.StructType.of(
                  Types.NestedField.required(30, "r1", Types.IntegerType.get()),
                  Types.NestedField.optional(
                      31, "r2", Types.ListType.ofRequired(32, Types.LongType.get())))),
          Types.NestedField.optional(
              33,
              "mreq",
              Types.MapType.ofRequired(34, 35, Types.StringType.get(), Types.DoubleType.get())),
          Types.NestedField.optional(
              36, "wide", Types.ListType.ofOptional(37, Types.LongType.get())),
          Types.NestedField.optional(
              38, "flags", Types.ListType.ofOptional(39, Types.BooleanType.get())),
          Types.NestedField.optional(
              40,
              "money",
              Types.MapType.ofOptional(41, 42, Types.LongType.get(), Types.DecimalType.of(12, 2))));

  /** Creates {@code name} with {@code schema} and appends {@code files} files of random rows. */
  static Table create(
      Catalog catalog, String name, Schema schema, int files, int rowsPerFile, long seed)
      throws IOException {
    Table table =
        catalog.createTable(
            TableIdentifier.of("db", name),
            schema,
            PartitionSpec.unpartitioned(),
            Map.of(
                TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
                String.valueOf(256 * 1024),
                TableProperties.PARQUET_PAGE_SIZE_BYTES,
                String.valueOf(16 * 1024),
                TableProperties.PARQUET_ROW_GROUP_CHECK_MIN_RECORD_COUNT,
                "10",
                TableProperties.PARQUET_ROW_GROUP_CHECK_MAX_RECORD_COUNT,
                "100"));
    Random random = new Random(seed);
    long id = 0;
    for (int f = 0; f < files; f++) {
      List<Record> rows = new ArrayList<>();
      for (int i = 0; i < rowsPerFile; i++) {
        rows.add(randomRow(table.schema(), id++, random));
      }
      append(table, rows);
    }
    return table;
  }

  /** Appends one Parquet data file of {@code rows}, written with the table's current schema. */
  static void append(Table table, List<Record> rows) throws IOException {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 1, System.nanoTime())
            .format(FileFormat.PARQUET)
            .build();
    DataWriter<Record> data = writers.newDataWriter(files.newOutputFile(), table.spec(), null);
    try (data) {
      rows.forEach(data::write);
    }
    table.newAppend().appendFile(data.toDataFile()).commit();
  }

  static Record randomRow(Schema schema, long id, Random random) {
    Record row = GenericRecord.create(schema);
    for (Types.NestedField field : schema.columns()) {
      row.setField(
          field.name(),
          field.name().equals("id") ? id : value(field.type(), field.isOptional(), field, random));
    }
    return row;
  }

  private static Object value(Type type, boolean optional, Types.NestedField field, Random random) {
    if (optional && random.nextInt(5) == 0) {
      return null;
    }
    switch (type.typeId()) {
      case STRUCT:
        {
          GenericRecord struct = GenericRecord.create(type.asStructType());
          for (Types.NestedField child : type.asStructType().fields()) {
            struct.setField(child.name(), value(child.type(), child.isOptional(), child, random));
          }
          return struct;
        }
      case LIST:
        {
          Types.ListType list = type.asListType();
          int size = size(field, random);
          List<Object> elements = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            elements.add(value(list.elementType(), list.isElementOptional(), field, random));
          }
          return elements;
        }
      case MAP:
        {
          Types.MapType map = type.asMapType();
          int size = size(field, random);
          Map<Object, Object> entries = new HashMap<>();
          for (int i = 0; i < size; i++) {
            entries.put(
                value(map.keyType(), false, field, random),
                value(map.valueType(), map.isValueOptional(), field, random));
          }
          return entries;
        }
      case BOOLEAN:
        return random.nextBoolean();
      case INTEGER:
        return random.nextInt(2000) - 1000;
      case LONG:
        return random.nextLong();
      case DOUBLE:
        return random.nextInt(4) == 0 ? random.nextDouble() : (double) random.nextInt(100);
      case FLOAT:
        return random.nextFloat();
      case DECIMAL:
        return java.math.BigDecimal.valueOf(random.nextInt(10_000_000) - 5_000_000, 2);
      case STRING:
        return random.nextInt(3) == 0 ? "" : "v" + random.nextInt(random.nextBoolean() ? 20 : 5000);
      default:
        throw new IllegalArgumentException("No random values of " + type);
    }
  }

  /** 20% empty; the {@code wide} list 0 to 1000 elements, others 1 to 4. */
  private static int size(Types.NestedField field, Random random) {
    if (random.nextInt(5) == 0) {
      return 0;
    }
    return field.name().equals("wide") ? random.nextInt(1001) : 1 + random.nextInt(4);
  }
}
