package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters on UUID columns return the same rows whatever the file layout, equal to SQL's answer on
 * the full rows: UUIDs compare as unsigned 16-byte big-endian values (as their text does, as
 * PostgreSQL, Trino and Parquet's statistics order them), a comparison with null is unknown.
 *
 * <p>Iceberg 1.11 orders UUIDs with {@code UUID.compareTo} (signed halves) in its evaluators while
 * Parquet writes their statistics in unsigned order, so its pruning skips files and row groups that
 * hold the value ({@code u = X} on a one-file Parquet table found nothing; {@code IcebergGenerics}
 * does the same, which {@link #icebergGenericsMissesRowsThatFloeFinds} records). The values here
 * are chosen so that every half is on both sides of the sign bit.
 */
class TestUuidFilters {
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "u", Types.UUIDType.get()));
  private static final long[] HALVES = {
    0x0000000000000001L, 0x0000000000000040L, 0x7fffffffffffffffL, 0x8000000000000000L, -1L
  };
  private static final Comparator<UUID> SQL_ORDER =
      Comparator.comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
          .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

  @TempDir static Path dir;
  private static final List<Record> ROWS = new ArrayList<>();
  private static final List<Table> LAYOUTS = new ArrayList<>();

  @BeforeAll
  static void createTables() throws IOException {
    long id = 0;
    for (long msb : HALVES) {
      for (long lsb : HALVES) {
        ROWS.add(row(id++, new UUID(msb, lsb)));
        if (id % 7 == 0) {
          ROWS.add(row(id++, null));
        }
      }
    }
    PartitionSpec unpartitioned = PartitionSpec.unpartitioned();
    PartitionSpec byU = PartitionSpec.builderFor(SCHEMA).identity("u").build();
    PartitionSpec bucketed = PartitionSpec.builderFor(SCHEMA).bucket("u", 4).build();
    for (FileFormat format : new FileFormat[] {FileFormat.PARQUET, FileFormat.ORC}) {
      LAYOUTS.add(create("one_file", format, unpartitioned, ROWS.size(), Map.of()));
      LAYOUTS.add(create("files_of_7", format, unpartitioned, 7, Map.of()));
      LAYOUTS.add(create("row_per_file", format, unpartitioned, 1, Map.of()));
      LAYOUTS.add(create("identity", format, byU, ROWS.size(), Map.of()));
      LAYOUTS.add(create("bucketed", format, bucketed, ROWS.size(), Map.of()));
    }
    // row groups of about one row, with a Bloom filter and dictionary on u
    LAYOUTS.add(
        create(
            "row_groups_bloom",
            FileFormat.PARQUET,
            unpartitioned,
            ROWS.size(),
            Map.of(
                "write.parquet.row-group-size-bytes", "1",
                "write.parquet.row-group-check-min-record-count", "1",
                "write.parquet.row-group-check-max-record-count", "1",
                "write.parquet.bloom-filter-enabled.column.u", "true")));
  }

  private static Record row(long id, UUID u) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("id", id);
    row.setField("u", u);
    return row;
  }

  private static Table create(
      String name,
      FileFormat format,
      PartitionSpec spec,
      int rowsPerFile,
      Map<String, String> properties)
      throws IOException {
    Map<String, String> all = new HashMap<>(properties);
    all.put("format-version", "2");
    all.put("write.format.default", format.name().toLowerCase(Locale.ROOT));
    Table table =
        new HadoopTables(new Configuration())
            .create(SCHEMA, spec, all, dir.resolve(name + "_" + format).toString());
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(format)
            .dataSchema(SCHEMA)
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).format(format).build();
    AppendFiles append = table.newAppend();
    Map<String, List<Record>> partitions = new java.util.LinkedHashMap<>();
    Map<String, PartitionKey> keys = new HashMap<>();
    for (Record row : ROWS) {
      PartitionKey key = new PartitionKey(spec, SCHEMA);
      key.partition(new InternalRecordWrapper(SCHEMA.asStruct()).wrap(row));
      partitions.computeIfAbsent(key.toPath(), k -> new ArrayList<>()).add(row);
      keys.put(key.toPath(), key);
    }
    for (Map.Entry<String, List<Record>> partition : partitions.entrySet()) {
      List<Record> rows = partition.getValue();
      PartitionKey key = spec.isPartitioned() ? keys.get(partition.getKey()) : null;
      for (int from = 0; from < rows.size(); from += rowsPerFile) {
        DataWriter<Record> writer =
            writers.newDataWriter(
                key != null ? files.newOutputFile(spec, key) : files.newOutputFile(), spec, key);
        try (writer) {
          rows.subList(from, Math.min(rows.size(), from + rowsPerFile)).forEach(writer::write);
        }
        append.appendFile(writer.toDataFile());
      }
    }
    append.commit();
    return table;
  }

  @Test
  void everyComparisonReturnsWhatSqlReturnsInEveryLayout() {
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (Record row : ROWS) {
      UUID x = (UUID) row.getField("u");
      if (x == null) {
        continue;
      }
      UUID other = new UUID(~x.getMostSignificantBits(), x.getLeastSignificantBits());
      List<Case> cases =
          List.of(
              new Case(Expressions.equal("u", x), u -> u.equals(x)),
              new Case(Expressions.notEqual("u", x), u -> !u.equals(x)),
              new Case(Expressions.lessThan("u", x), u -> SQL_ORDER.compare(u, x) < 0),
              new Case(Expressions.lessThanOrEqual("u", x), u -> SQL_ORDER.compare(u, x) <= 0),
              new Case(Expressions.greaterThan("u", x), u -> SQL_ORDER.compare(u, x) > 0),
              new Case(Expressions.greaterThanOrEqual("u", x), u -> SQL_ORDER.compare(u, x) >= 0),
              new Case(Expressions.in("u", x, other), u -> u.equals(x) || u.equals(other)),
              new Case(Expressions.notIn("u", x, other), u -> !u.equals(x) && !u.equals(other)),
              new Case(
                  Expressions.not(Expressions.greaterThanOrEqual("u", x)),
                  u -> SQL_ORDER.compare(u, x) < 0));
      for (Case test : cases) {
        List<String> expected = reference(test.matches());
        for (Table table : LAYOUTS) {
          List<String> actual = floeIds(table, test.filter());
          checked++;
          if (!actual.equals(expected)) {
            wrong.add(table.name() + " " + test.filter() + ": " + actual + ", SQL: " + expected);
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(checked).isEqualTo(25 * 9 * LAYOUTS.size());
    // the null rows come back for IS NULL only
    List<String> nulls = new ArrayList<>();
    for (Record row : ROWS) {
      if (row.getField("u") == null) {
        nulls.add(row.getField("id").toString());
      }
    }
    Collections.sort(nulls);
    assertThat(nulls).hasSize(4);
    for (Table table : LAYOUTS) {
      assertThat(floeIds(table, Expressions.isNull("u"))).as(table.name()).isEqualTo(nulls);
    }
  }

  @Test
  void icebergGenericsMissesRowsThatFloeFinds() throws IOException {
    Table oneFile = LAYOUTS.get(0);
    assertThat(oneFile.name()).endsWith("one_file_PARQUET");
    UUID x = new UUID(0x0000000000000001L, 0x0000000000000001L);
    Expression filter = Expressions.equal("u", x);
    assertThat(floeIds(oneFile, filter)).isEqualTo(List.of("0"));
    try (CloseableIterable<Record> rows = IcebergGenerics.read(oneFile).where(filter).build()) {
      assertThat(rows).isEmpty(); // Iceberg 1.11: the file's UUID bounds exclude x
    }
  }

  private record Case(Expression filter, Predicate<UUID> matches) {}

  private static List<String> reference(Predicate<UUID> matches) {
    List<String> ids = new ArrayList<>();
    for (Record row : ROWS) {
      UUID u = (UUID) row.getField("u");
      if (u != null && matches.test(u)) {
        ids.add(row.getField("id").toString());
      }
    }
    Collections.sort(ids);
    return ids;
  }

  private static List<String> floeIds(Table table, Expression filter) {
    List<String> ids = new ArrayList<>();
    for (String row : Differential.floeRows(DataScan.of(table).select("id").filter(filter), 7)) {
      ids.add(row.substring("id=l".length(), row.indexOf('|')));
    }
    Collections.sort(ids);
    return ids;
  }
}
