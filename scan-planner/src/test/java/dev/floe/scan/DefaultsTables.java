package dev.floe.scan;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.orc.OrcFile;
import org.apache.orc.TypeDescription;
import org.apache.orc.Writer;
import org.apache.orc.storage.ql.exec.vector.BytesColumnVector;
import org.apache.orc.storage.ql.exec.vector.LongColumnVector;
import org.apache.orc.storage.ql.exec.vector.VectorizedRowBatch;

/** Format v3 tables with columns added with an initial default, for {@link TestInitialDefaults}. */
final class DefaultsTables {
  private DefaultsTables() {}

  // UUIDs below 8000...: Iceberg 1.11 compares UUIDs as signed longs but Parquet's bounds are
  // unsigned, so bounds that straddle the sign prune wrongly (apache/iceberg#14216, not this test).
  static final UUID UUID_DEFAULT = UUID.fromString("379c3e09-677c-4bbd-a479-3f349cb785e7");
  private static final byte[] FIXED_DEFAULT = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe};
  private static final byte[] BINARY_DEFAULT = {0x00, (byte) 0xff};
  private static final Schema FIRST_SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()));

  private record Added(String name, Type type, Literal<?> initialDefault) {}

  /** Every primitive type the reader maps, with a default; i, fl and dec are promoted later. */
  private static final List<Added> ADDED =
      List.of(
          new Added("region", Types.StringType.get(), Literal.of("unknown")),
          new Added("b", Types.BooleanType.get(), Literal.of(true)),
          new Added("i", Types.IntegerType.get(), Literal.of(42)),
          new Added("l", Types.LongType.get(), Literal.of(1L << 40)),
          new Added("fl", Types.FloatType.get(), Literal.of(0.1f)),
          new Added("d", Types.DoubleType.get(), Literal.of(-0.25)),
          new Added("dt", Types.DateType.get(), Literal.of("2024-02-29")),
          new Added("tm", Types.TimeType.get(), Literal.of("12:34:56.789012")),
          new Added(
              "ts", Types.TimestampType.withoutZone(), Literal.of("2024-01-02T03:04:05.678901")),
          new Added(
              "tstz",
              Types.TimestampType.withZone(),
              Literal.of("2024-01-02T03:04:05.678901+00:00")),
          new Added(
              "tsns",
              Types.TimestampNanoType.withoutZone(),
              Literal.of("2024-01-02T03:04:05.678901234")),
          new Added("dec", Types.DecimalType.of(9, 2), Literal.of(new BigDecimal("12.34"))),
          new Added("s", Types.StringType.get(), Literal.of("")),
          new Added("u", Types.UUIDType.get(), Literal.of(UUID_DEFAULT)),
          new Added("fx", Types.FixedType.ofLength(4), Literal.of(ByteBuffer.wrap(FIXED_DEFAULT))),
          new Added("bin", Types.BinaryType.get(), Literal.of(ByteBuffer.wrap(BINARY_DEFAULT))));

  /** Filters on the defaulted columns, each of which the older file's rows match or fail. */
  static final List<Expression> FILTERS =
      List.of(
          Expressions.equal("region", "unknown"),
          Expressions.notNull("region"),
          Expressions.isNull("region"),
          Expressions.notEqual("region", "unknown"),
          Expressions.in("region", "unknown", "eu"),
          Expressions.notIn("region", "eu"),
          Expressions.startsWith("region", "unk"),
          Expressions.notStartsWith("region", "unk"),
          Expressions.equal("b", true),
          Expressions.equal("i", 42L),
          Expressions.greaterThan("i", 41L),
          Expressions.isNull("i"),
          Expressions.lessThan("fl", 0.2),
          Expressions.equal("l", 1L << 40),
          Expressions.equal("d", -0.25),
          Expressions.equal("dt", "2024-02-29"),
          Expressions.greaterThanOrEqual("tm", "12:34:56.789012"),
          Expressions.equal("ts", "2024-01-02T03:04:05.678901"),
          Expressions.lessThan("tstz", "2024-01-02T03:05:00+00:00"),
          Expressions.equal("tsns", "2024-01-02T03:04:05.678901234"),
          Expressions.equal("dec", new BigDecimal("12.34")),
          Expressions.equal("s", ""),
          Expressions.equal("u", UUID_DEFAULT),
          Expressions.equal("fx", ByteBuffer.wrap(FIXED_DEFAULT)),
          Expressions.equal("bin", ByteBuffer.wrap(BINARY_DEFAULT)),
          Expressions.equal("req", 7),
          Expressions.or(Expressions.equal("region", "us"), Expressions.lessThan("id", 3L)),
          Expressions.not(Expressions.equal("region", "unknown")),
          Expressions.and(Expressions.notNull("region"), Expressions.greaterThan("id", 120L)));

  /** The issue's table: five rows, then {@code region} added with the initial default 'unknown'. */
  static Table issue(Catalog catalog, FileFormat format) throws IOException {
    Table table = create(catalog, "issue_" + name(format), format);
    List<Record> rows = new ArrayList<>();
    for (long id = 0; id < 5; id++) {
      rows.add(GenericRecord.create(table.schema()).copy("id", id, "name", "row-" + id));
    }
    append(table, format, rows);
    table
        .updateSchema()
        .addColumn("region", Types.StringType.get(), Literal.of("unknown"))
        .commit();
    return table;
  }

  /**
   * A file of ids 0..49 with only {@code id} and {@code name}; then a column of every primitive
   * type with an initial default (and a required int {@code req} with default 7); a file of ids
   * 100..149 that stores them ({@code s} with metrics mode none); {@code i}, {@code fl}, {@code
   * dec} promoted to long, double, decimal(18, 2); a file of ids 200..249; equality deletes on (id,
   * region).
   */
  static Table everyType(Catalog catalog, FileFormat format) throws IOException {
    Table table = create(catalog, "types_" + name(format), format);
    append(table, format, rows(table.schema(), 0, false));
    UpdateSchema update = table.updateSchema();
    for (Added added : ADDED) {
      update.addColumn(added.name(), added.type(), added.initialDefault());
    }
    update.addRequiredColumn("req", Types.IntegerType.get(), Literal.of(7)).commit();
    table
        .updateProperties()
        .set(TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + "s", "none")
        .commit();
    append(table, format, rows(table.schema(), 100, false));
    table
        .updateSchema()
        .updateColumn("i", Types.LongType.get())
        .updateColumn("fl", Types.DoubleType.get())
        .updateColumn("dec", Types.DecimalType.of(18, 2))
        .commit();
    append(table, format, rows(table.schema(), 200, true));
    Schema deleteSchema = table.schema().select("id", "region");
    List<Record> deletes = new ArrayList<>();
    Object[][] deleted = {
      {1L, "unknown"}, {2L, "eu"}, {106L, "eu"}, {109L, "unknown"}, {113L, "eu"}
    };
    for (Object[] row : deleted) {
      deletes.add(GenericRecord.create(deleteSchema).copy("id", row[0], "region", row[1]));
    }
    deleteByEquality(table, format, deleteSchema, deletes);
    return table;
  }

  /**
   * An ORC table whose data files carry no field ids (as files imported from Hive do), read through
   * the table's name mapping: file 1 (id, name) is older than {@code region}, file 2 (id, name,
   * region) stores it. Neither has metrics, so only their footers tell.
   */
  static Table nameMappedOrc(Catalog catalog) throws IOException {
    Table table = create(catalog, "name_mapped_orc", FileFormat.ORC);
    table
        .updateProperties()
        .set(
            TableProperties.DEFAULT_NAME_MAPPING,
            NameMappingParser.toJson(MappingUtil.create(table.schema())))
        .commit();
    appendOrcWithoutIds(
        table, "struct<id:bigint,name:string>", new Object[][] {{0L, "a"}, {1L, "b"}});
    // Iceberg adds the new column to the name mapping.
    table
        .updateSchema()
        .addColumn("region", Types.StringType.get(), Literal.of("unknown"))
        .commit();
    appendOrcWithoutIds(
        table,
        "struct<id:bigint,name:string,region:string>",
        new Object[][] {{2L, "c", "eu"}, {3L, "d", null}});
    return table;
  }

  static Set<Integer> defaultedIds(Schema schema) {
    return schema.columns().stream()
        .filter(column -> column.initialDefault() != null)
        .map(Types.NestedField::fieldId)
        .collect(Collectors.toSet());
  }

  private static List<Record> rows(Schema schema, long first, boolean promoted) {
    List<Record> rows = new ArrayList<>();
    for (long id = first; id < first + 50; id++) {
      Record row = GenericRecord.create(schema);
      row.setField("id", id);
      row.setField("name", (first == 0 ? "old-" : "new-") + id);
      if (schema.findField("region") != null) {
        setAddedColumns(row, id, promoted);
      }
      rows.add(row);
    }
    return rows;
  }

  /** Values of newer files; some equal the defaults, every column but req has nulls. */
  private static void setAddedColumns(Record row, long id, boolean promoted) {
    int k = (int) id;
    row.setField("region", new String[] {null, "unknown", "eu", "us"}[k % 4]);
    row.setField("b", k % 3 == 0 ? null : k % 2 == 0);
    if (promoted) {
      row.setField("i", k % 5 == 0 ? null : k % 7 == 0 ? Long.valueOf(42) : id * 1_000_000_007L);
      row.setField("fl", k % 5 == 1 ? null : k % 7 == 0 ? Double.valueOf(0.1f) : id / 3.0);
      row.setField("dec", nullIf(k % 10 == 8, BigDecimal.valueOf(id * 1_000_000_000_001L, 2)));
    } else {
      row.setField("i", k % 5 == 0 ? null : k % 7 == 0 ? Integer.valueOf(42) : k * 3 - 400);
      row.setField("fl", k % 5 == 1 ? null : k % 7 == 0 ? Float.valueOf(0.1f) : k / 8f);
      row.setField("dec", nullIf(k % 10 == 8, BigDecimal.valueOf(1234 + k % 3 - 1, 2)));
    }
    row.setField("l", k % 6 == 0 ? null : k % 11 == 0 ? Long.valueOf(1L << 40) : id * 31);
    row.setField("d", k % 4 == 1 ? null : k % 9 == 0 ? Double.valueOf(-0.25) : id * 0.5);
    row.setField("dt", nullIf(k % 10 == 3, LocalDate.of(2024, 2, 29).plusDays(k % 3 - 1)));
    row.setField(
        "tm", nullIf(k % 10 == 4, LocalTime.of(12, 34, 56, 789_012_000).plusSeconds(k % 3)));
    LocalDateTime ts = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_901_000).plusMinutes(k % 3);
    row.setField("ts", nullIf(k % 10 == 5, ts));
    row.setField("tstz", nullIf(k % 10 == 6, ts.atOffset(ZoneOffset.UTC)));
    row.setField(
        "tsns",
        nullIf(k % 10 == 7, LocalDateTime.of(2024, 1, 2, 3, 4, 5, 678_901_234).plusNanos(k % 3)));
    row.setField("s", nullIf(k % 10 == 9, k % 3 == 0 ? "" : "s" + k));
    row.setField("u", nullIf(k % 10 == 0, k % 2 == 0 ? UUID_DEFAULT : new UUID(id << 32, id)));
    row.setField(
        "fx", nullIf(k % 10 == 1, k % 2 == 0 ? FIXED_DEFAULT : new byte[] {1, 2, 3, (byte) k}));
    row.setField(
        "bin",
        nullIf(
            k % 10 == 2,
            ByteBuffer.wrap(
                k % 2 == 0 ? BINARY_DEFAULT : ("b" + k).getBytes(StandardCharsets.UTF_8))));
    row.setField("req", k % 9);
  }

  private static <T> T nullIf(boolean isNull, T value) {
    return isNull ? null : value;
  }

  private static String name(FileFormat format) {
    return format.name().toLowerCase(Locale.ROOT);
  }

  private static Table create(Catalog catalog, String name, FileFormat format) {
    return catalog.createTable(
        TableIdentifier.of("db", name),
        FIRST_SCHEMA,
        PartitionSpec.unpartitioned(),
        Map.of("format-version", "3", TableProperties.DEFAULT_FILE_FORMAT, name(format)));
  }

  /** Appends one data file holding {@code rows}, written with the table's current schema. */
  private static void append(Table table, FileFormat format, List<Record> rows) throws IOException {
    DataWriter<Record> data =
        writers(table, format, null, null).newDataWriter(files(table, format), table.spec(), null);
    try (data) {
      rows.forEach(data::write);
    }
    table.newAppend().appendFile(data.toDataFile()).commit();
  }

  private static void deleteByEquality(
      Table table, FileFormat format, Schema deleteSchema, List<Record> rows) throws IOException {
    int[] ids = deleteSchema.columns().stream().mapToInt(Types.NestedField::fieldId).toArray();
    EqualityDeleteWriter<Record> deletes =
        writers(table, format, ids, deleteSchema)
            .newEqualityDeleteWriter(files(table, format), table.spec(), null);
    try (deletes) {
      rows.forEach(deletes::write);
    }
    table.newRowDelta().addDeletes(deletes.toDeleteFile()).commit();
  }

  private static GenericFileWriterFactory writers(
      Table table, FileFormat format, int[] equalityIds, Schema deleteSchema) {
    GenericFileWriterFactory.Builder builder =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(format)
            .dataSchema(table.schema())
            .deleteFileFormat(format);
    if (equalityIds != null) {
      builder.equalityFieldIds(equalityIds).equalityDeleteRowSchema(deleteSchema);
    }
    return builder.build();
  }

  private static EncryptedOutputFile files(Table table, FileFormat format) {
    return OutputFileFactory.builderFor(table, 1, System.nanoTime())
        .format(format)
        .build()
        .newOutputFile();
  }

  /** Writes an ORC file with orc-core alone (no Iceberg ids) and appends it without metrics. */
  private static void appendOrcWithoutIds(Table table, String orcSchema, Object[][] rows)
      throws IOException {
    TypeDescription schema = TypeDescription.fromString(orcSchema);
    Path file = Path.of(table.location(), "data", "no-ids-" + System.nanoTime() + ".orc");
    Files.createDirectories(file.getParent());
    try (Writer writer =
        OrcFile.createWriter(
            new org.apache.hadoop.fs.Path(file.toString()),
            OrcFile.writerOptions(new Configuration()).setSchema(schema))) {
      VectorizedRowBatch batch = schema.createRowBatch();
      for (Object[] row : rows) {
        int r = batch.size++;
        ((LongColumnVector) batch.cols[0]).vector[r] = (Long) row[0];
        for (int c = 1; c < row.length; c++) {
          BytesColumnVector strings = (BytesColumnVector) batch.cols[c];
          if (row[c] == null) {
            strings.noNulls = false;
            strings.isNull[r] = true;
          } else {
            strings.setVal(r, ((String) row[c]).getBytes(StandardCharsets.UTF_8));
          }
        }
      }
      writer.addRowBatch(batch);
    }
    table
        .newAppend()
        .appendFile(
            DataFiles.builder(table.spec())
                .withPath(file.toString())
                .withFormat(FileFormat.ORC)
                .withFileSizeInBytes(Files.size(file))
                .withRecordCount(rows.length)
                .build())
        .commit();
  }
}
