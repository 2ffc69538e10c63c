package dev.floe.scan.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.scan.DataScan;
import dev.floe.scan.NestedRowText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An ORC copy of the Spark-written {@code types} table (every type, nested ones at every depth,
 * edge values), written with Iceberg's ORC writer from IcebergGenerics' records of the Parquet
 * original, read by Floe: equal to what Spark read from the original, value for value, except the
 * one value ORC itself cannot hold (the last microsecond before 1970 reads back one second later
 * with every Apache ORC Java reader, ORC-763; shared/oracle/README.md), and equal to
 * IcebergGenerics' read of the same ORC files without exception.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestOracleTypesOrcCopy {
  @TempDir static Path dir;
  private Oracle oracle;
  private Table original;
  private Table copy;

  @BeforeAll
  void writeOrcCopy() throws IOException {
    oracle = Oracle.load("types");
    original = oracle.table();
    copy =
        new HadoopTables(new Configuration())
            .create(
                original.schema(),
                PartitionSpec.unpartitioned(),
                Map.of(
                    "format-version", "2",
                    "write.format.default", "orc",
                    // small stripes and row batches, so files have several of each
                    "write.orc.stripe-size-bytes", "65536",
                    "orc.rows.between.memory.checks", "100",
                    "write.orc.vectorized.batch-size", "100"),
                dir.resolve("types_orc").toString());
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(copy).dataFileFormat(FileFormat.ORC).build();
    OutputFileFactory files = OutputFileFactory.builderFor(copy, 1, 1).build();
    AppendFiles append = copy.newAppend();
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(original).build()) {
      records.forEach(record -> rows.add(record.copy()));
    }
    // Three files, so some batches span a file change
    int perFile = (rows.size() + 2) / 3;
    for (int start = 0; start < rows.size(); start += perFile) {
      DataWriter<Record> writer = writers.newDataWriter(files.newOutputFile(), copy.spec(), null);
      try (writer) {
        rows.subList(start, Math.min(rows.size(), start + perFile)).forEach(writer::write);
      }
      append.appendFile(writer.toDataFile());
    }
    append.commit();
  }

  @ParameterizedTest(name = "batch size {0}")
  @ValueSource(ints = {1000, 7})
  void everyValueMatchesSparkButTheOneOrcCannotHold(int batchSize) {
    List<String> actual = FloeLines.read(DataScan.of(copy), batchSize);
    List<String> differences = FloeLines.differences(oracle.expectedLines(), actual);

    assertThat(actual).hasSize(oracle.meta().get("row_count").asInt());
    assertThat(differences).isNotEmpty().last().asString().endsWith(" rows differ in total");
    for (String difference : differences.subList(0, differences.size() - 1)) {
      assertThat(difference)
          .as("only ORC-763's last microsecond before 1970 differs")
          .matches(
              "id=\\d+ ts(_ntz)?: expected \"1969-12-31T23:59:59\\.999999Z?\" but was"
                  + " \"1970-01-01T00:00:00\\.999999Z?\"");
    }
  }

  @Test
  void floeEqualsIcebergGenericsOnTheOrcCopy() {
    List<String> expected = NestedRowText.genericRows(IcebergGenerics.read(copy), copy.schema());
    for (int batchSize : new int[] {1, 7, 4096, 1_000_000}) {
      NestedRowText.assertSameRows(NestedRowText.floeRows(DataScan.of(copy), batchSize), expected);
    }
  }

  @Test
  void floeReadsTheOrcCopyAsItReadsTheParquetOriginal() {
    List<String> orc = FloeLines.read(DataScan.of(copy), 1000);
    List<String> parquet = FloeLines.read(DataScan.of(original), 1000);
    List<String> differences = FloeLines.differences(parquet, orc);
    assertThat(differences.subList(0, differences.size() - 1))
        .allMatch(difference -> difference.matches("id=\\d+ ts(_ntz)?: .*"));
    assertThat(orc).hasSameSizeAs(parquet);
  }
}
