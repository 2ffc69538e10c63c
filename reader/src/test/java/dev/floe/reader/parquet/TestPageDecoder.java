package dev.floe.reader.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.arrow.ArrowSchemas;
import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page decoder against parquet-mr's value-by-value reader, column chunk by column chunk, on
 * files written by Iceberg (V1 and V2 data pages, dictionary and plain pages, nulls), in batches of
 * random sizes that cross page boundaries. Both must produce the same vectors.
 */
class TestPageDecoder {
  @TempDir Path dir;

  @Test
  void decodesLikeParquetMrForV1AndV2Pages() throws Exception {
    int fastChunks = 0;
    try (Warehouse warehouse = Warehouse.hadoop(dir);
        BufferAllocator allocator = new RootAllocator()) {
      FixtureOptions options =
          FixtureOptions.defaults().withRows(3_000).withRowGroupBytes(16 * 1024);
      Table allTypes =
          Fixtures.allTypes(warehouse.catalog(), TableIdentifier.of("db", "all_types"), options);
      Table deletes =
          Fixtures.deletes(warehouse.catalog(), TableIdentifier.of("db", "deletes"), options);
      for (Table table : new Table[] {allTypes, deletes}) {
        fastChunks += compareFiles(table, allocator);
        table.updateProperties().set("write.parquet.page-version", "v2").commit();
        fastChunks += compareFile(table, writeCopy(table), allocator);
      }
    }
    assertThat(fastChunks).as("column chunks decoded by the page decoder").isGreaterThan(20);
  }

  /** Writes the table's rows into one new data file with the table's properties. */
  private static String writeCopy(Table table) throws Exception {
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(table.schema())
            .build();
    OutputFileFactory files = OutputFileFactory.builderFor(table, 9, 9).build();
    DataWriter<Record> writer =
        writers.newDataWriter(files.newOutputFile(), PartitionSpec.unpartitioned(), null);
    try (writer;
        CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) {
        writer.write(row);
      }
    }
    return writer.toDataFile().location();
  }

  private static int compareFiles(Table table, BufferAllocator allocator) throws Exception {
    int fast = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        fast += compareFile(table, task.file().location(), allocator);
      }
    }
    return fast;
  }

  private static int compareFile(Table table, String location, BufferAllocator allocator)
      throws Exception {
    int fast = 0;
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      for (int block = 0; block < reader.getRowGroups().size(); block++) {
        BlockMetaData rowGroup = reader.getRowGroups().get(block);
        for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
          ColumnDescriptor descriptor = schema.getColumnDescription(chunk.getPath().toArray());
          Types.NestedField column =
              table.schema().findField(descriptor.getPrimitiveType().getId().intValue());
          PageDecoder pages = PageDecoder.create(descriptor, column.type());
          if (pages == null || !PageDecoder.supports(chunk)) {
            continue;
          }
          fast++;
          compareChunk(reader, block, rowGroup, descriptor, column, pages, allocator, location);
        }
      }
    }
    return fast;
  }

  private static void compareChunk(
      ParquetFileReader reader,
      int block,
      BlockMetaData rowGroup,
      ColumnDescriptor descriptor,
      Types.NestedField column,
      PageDecoder pages,
      BufferAllocator allocator,
      String location)
      throws Exception {
    ParquetColumnDecoder values = ParquetDecoders.create(descriptor, column.type());
    PageReadStore first = reader.readRowGroup(block);
    PageReadStore second = reader.readRowGroup(block);
    pages.startRowGroup(first);
    values.startRowGroup(second);
    Random random = new Random(block * 31L + column.fieldId());
    try (FieldVector fast = ArrowSchemas.toArrow(column).createVector(allocator);
        FieldVector slow = ArrowSchemas.toArrow(column).createVector(allocator)) {
      long remaining = rowGroup.getRowCount();
      while (remaining > 0) {
        int rows = (int) Math.min(remaining, 1 + random.nextInt(700));
        pages.decode(fast, rows);
        values.decode(slow, rows);
        for (int i = 0; i < rows; i++) {
          assertThat(text(fast.getObject(i)))
              .as("%s row %d of a batch in %s", column.name(), i, location)
              .isEqualTo(text(slow.getObject(i)));
        }
        remaining -= rows;
      }
    }
  }

  private static String text(Object value) {
    if (value instanceof byte[]) {
      return Arrays.toString((byte[]) value);
    }
    if (value instanceof Float) {
      return "f" + Integer.toHexString(Float.floatToRawIntBits((Float) value));
    }
    if (value instanceof Double) {
      return "d" + Long.toHexString(Double.doubleToRawLongBits((Double) value));
    }
    return String.valueOf(value);
  }
}
