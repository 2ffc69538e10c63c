package dev.floe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.orc.OrcFile;
import org.apache.orc.Reader;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables written with the writer settings other engines and older Iceberg versions use: every
 * compression codec, Parquet v2 data pages, dictionaries that overflow into plain pages mid-chunk,
 * tiny pages, bloom filters, ORC without dictionaries or with nothing but, ORC compressed for size,
 * ORC without a row index. The fixtures' other tables use Iceberg's defaults (zstd Parquet with v1
 * pages, zlib ORC); these must read exactly as IcebergGenerics reads them too, their deletes
 * (written with the same settings) included.
 */
class TestWriterSettings {
  private static final int[] BATCH_SIZES = {7, 4096};
  private static final long ROWS = 1_500;
  private static final Configuration CONF = new Configuration();

  @TempDir static Path dir;
  private static Warehouse warehouse;
  private static final List<Variant> VARIANTS = new ArrayList<>();

  /** What the files of a variant must show, read back from their footers. */
  private record Expected(String codec, boolean dictionaryOverflow, int rowIndexStride) {
    static Expected codec(String codec) {
      return new Expected(codec, false, -1);
    }
  }

  /** One set of writer settings and the tables written with it. */
  private record Variant(String name, Expected expected, List<Table> tables) {}

  @BeforeAll
  static void createTables() {
    warehouse = Warehouse.hadoop(dir);
    FixtureOptions small = FixtureOptions.defaults().withRows(ROWS).withRowGroupBytes(8 * 1024);
    FixtureOptions parquet = small.withFormat(FileFormat.PARQUET);
    FixtureOptions orc = small.withFormat(FileFormat.ORC);
    for (String codec : List.of("snappy", "gzip", "lz4_raw", "uncompressed")) {
      add(
          "parquet_" + codec,
          Expected.codec(codec),
          parquet.withTableProperty(TableProperties.PARQUET_COMPRESSION, codec));
    }
    add(
        "parquet_v2_pages",
        Expected.codec("zstd"),
        parquet.withTableProperty(TableProperties.PARQUET_PAGE_VERSION, "v2"));
    // `qty` has 50 distinct ints. A first page of 100 rows repeats enough of them for the writer
    // to keep its dictionary; a 180-byte dictionary (45 values) then fills on a later page and
    // the writer goes on with plain pages, so one column chunk holds both kinds.
    // One row group of ~750 rows per file, so a chunk has pages enough for the dictionary to fill.
    FixtureOptions oneRowGroup =
        parquet.withRows(6_000).withFilesPerPartition(1).withRowGroupBytes(1 << 20);
    Expected overflow = new Expected("zstd", true, -1);
    add(
        "parquet_dictionary_overflow",
        overflow,
        oneRowGroup
            .withTableProperty(TableProperties.PARQUET_PAGE_ROW_LIMIT, "100")
            .withTableProperty(TableProperties.PARQUET_DICT_SIZE_BYTES, "180"));
    add(
        "parquet_v2_pages_dictionary_overflow",
        overflow,
        oneRowGroup
            .withTableProperty(TableProperties.PARQUET_PAGE_VERSION, "v2")
            .withTableProperty(TableProperties.PARQUET_PAGE_ROW_LIMIT, "100")
            .withTableProperty(TableProperties.PARQUET_DICT_SIZE_BYTES, "180"));
    String bloom = TableProperties.PARQUET_BLOOM_FILTER_COLUMN_ENABLED_PREFIX;
    add(
        "parquet_tiny_pages_bloom",
        Expected.codec("zstd"),
        parquet
            .withTableProperty(TableProperties.PARQUET_PAGE_ROW_LIMIT, "37")
            .withTableProperty(bloom + "id", "true")
            .withTableProperty(bloom + "s", "true")
            .withTableProperty(bloom + "category", "true"));
    for (String codec : List.of("snappy", "zstd", "lz4", "lzo", "none")) {
      add(
          "orc_" + codec,
          Expected.codec(codec),
          orc.withTableProperty(TableProperties.ORC_COMPRESSION, codec));
    }
    // ORC writes strings with a dictionary while distinct keys stay under this share of values.
    add(
        "orc_no_dictionary",
        Expected.codec("zlib"),
        orc.withTableProperty("orc.dictionary.key.threshold", "0"));
    add(
        "orc_only_dictionary",
        Expected.codec("zlib"),
        orc.withTableProperty("orc.dictionary.key.threshold", "1"));
    add(
        "orc_for_size_bloom",
        new Expected("zlib", false, 1000),
        orc.withTableProperty(TableProperties.ORC_COMPRESSION_STRATEGY, "compression")
            .withTableProperty(TableProperties.ORC_BLOOM_FILTER_COLUMNS, "id,s,category")
            .withTableProperty("orc.row.index.stride", "1000"));
    // Without a row index ORC cannot skip row groups; positions must still count every row.
    add(
        "orc_no_row_index",
        new Expected("zlib", false, 0),
        orc.withTableProperty("orc.row.index.stride", "0"));
  }

  private static void add(String name, Expected expected, FixtureOptions options) {
    List<Table> tables = new ArrayList<>();
    tables.add(
        Fixtures.allTypes(warehouse.catalog(), TableIdentifier.of(name, "all_types"), options));
    tables.add(
        Fixtures.deletes(warehouse.catalog(), TableIdentifier.of(name, "deletes_v2"), options));
    VARIANTS.add(new Variant(name, expected, tables));
  }

  @AfterAll
  static void closeWarehouse() throws Exception {
    warehouse.close();
  }

  /** The settings reached the files: otherwise the comparisons below would prove nothing new. */
  @TestFactory
  Stream<DynamicTest> filesCarryTheirWriterSettings() {
    return VARIANTS.stream()
        .map(variant -> DynamicTest.dynamicTest(variant.name(), () -> assertFilesCarry(variant)));
  }

  @TestFactory
  Stream<DynamicTest> everyWriterSettingReadsAsIcebergGenericsDoes() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Variant variant : VARIANTS) {
      for (Table table : variant.tables()) {
        for (Expression filter : filters(table)) {
          Differential.Case scanCase = new Differential.Case(table, null, filter, null);
          tests.add(
              DynamicTest.dynamicTest(
                  variant.name() + ": " + scanCase,
                  () -> {
                    for (int batchSize : BATCH_SIZES) {
                      Differential.assertSameRows(scanCase, batchSize);
                    }
                  }));
        }
      }
    }
    return tests.stream();
  }

  private static List<Expression> filters(Table table) {
    // Point and range filters on the bloom-filter and dictionary columns, so the writers'
    // indexes are used for pruning, and the rows that survive it are filtered exactly.
    if (table.name().contains("deletes")) {
      return Arrays.asList(
          null,
          Expressions.equal("id", 701L),
          Expressions.equal("category", "beta"),
          Expressions.and(Expressions.notNull("name"), Expressions.lessThan("qty", 300)));
    }
    return Arrays.asList(
        null,
        Expressions.equal("id", 701L),
        Expressions.startsWith("s", "a"),
        Expressions.or(Expressions.isNull("s"), Expressions.greaterThan("d", 0.5)));
  }

  private static void assertFilesCarry(Variant variant) throws IOException {
    boolean dictionaryAndPlain = false;
    for (Table table : variant.tables()) {
      int files = 0;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          files++;
          String location = task.file().location();
          if (task.file().format() == FileFormat.PARQUET) {
            dictionaryAndPlain |= assertParquetFile(variant.expected(), location);
          } else {
            assertOrcFile(variant.expected(), location);
          }
        }
      }
      assertThat(files).as("data files of %s", table.name()).isPositive();
    }
    if (variant.expected().dictionaryOverflow()) {
      assertThat(dictionaryAndPlain)
          .as("%s has a column chunk with dictionary and plain pages", variant.name())
          .isTrue();
    }
  }

  /** Checks the codec; returns whether a column chunk has dictionary and plain pages. */
  private static boolean assertParquetFile(Expected expected, String location) throws IOException {
    boolean dictionaryAndPlain = false;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(location), CONF))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          assertThat(column.getCodec().name())
              .as("codec of %s in %s", column.getPath(), location)
              .isEqualToIgnoringCase(expected.codec());
          // The data pages' encodings; the dictionary page itself is PLAIN in v2 files.
          EncodingStats stats = column.getEncodingStats();
          dictionaryAndPlain |=
              stats.hasDictionaryEncodedPages() && stats.hasNonDictionaryEncodedPages();
        }
      }
    }
    return dictionaryAndPlain;
  }

  private static void assertOrcFile(Expected expected, String location) throws IOException {
    try (Reader reader =
        OrcFile.createReader(
            new org.apache.hadoop.fs.Path(location), OrcFile.readerOptions(CONF))) {
      assertThat(reader.getCompressionKind().name())
          .as("compression of %s", location)
          .isEqualToIgnoringCase(expected.codec());
      if (expected.rowIndexStride() >= 0) {
        assertThat(reader.getRowIndexStride())
            .as("row index stride of %s", location)
            .isEqualTo(expected.rowIndexStride());
      }
    }
  }
}
