package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Generated tables, kept in a directory across runs: each {@link TableSpec} is generated on first
 * use and a marker file is written when it is complete; a table without the marker (a generation
 * that was killed half way) is dropped and generated again. On request, the live rows are read once
 * with {@code IcebergGenerics} for a reference row count and checksum, kept in the marker too.
 *
 * <p>Not safe for two processes sharing one directory at the same time.
 */
public final class TableCache implements Closeable {
  /** System property naming the cache directory; the environment variable is the fallback. */
  public static final String DIR_PROPERTY = "floe.memory.tables";

  public static final String DIR_ENV = "FLOE_MEMORY_TABLES";
  private static final String MARKER = "floe-memory.properties";
  private static final String GENERATION_SECONDS = "generationSeconds";
  private static final String REFERENCE_ROWS = "referenceRows";
  private static final String REFERENCE_CHECKSUM = "referenceChecksum";
  private static final String REFERENCE_SECONDS = "referenceSeconds";

  private final Path dir;
  private final Warehouse warehouse;

  private TableCache(Path dir, Warehouse warehouse) {
    this.dir = dir;
    this.warehouse = warehouse;
  }

  /** A cache in {@code dir} (created if missing). */
  public static TableCache open(Path dir) {
    requireNonNull(dir, "dir is null");
    Warehouse warehouse = Warehouse.hadoop(dir);
    return new TableCache(warehouse.dir(), warehouse);
  }

  /**
   * The directory named by {@value #DIR_PROPERTY} or {@code $FLOE_MEMORY_TABLES}, else {@code
   * fallback}.
   */
  public static Path configuredDir(Path fallback) {
    String configured = System.getProperty(DIR_PROPERTY, System.getenv(DIR_ENV));
    return configured == null || configured.isBlank() ? fallback : Path.of(configured);
  }

  public Path dir() {
    return dir;
  }

  /** The table of {@code spec}, generated if it is not cached yet. */
  public CachedTable get(TableSpec spec) {
    return get(spec, false);
  }

  /**
   * The table of {@code spec}, generated if it is not cached yet, with its {@code IcebergGenerics}
   * reference (read now if it was never read).
   */
  public CachedTable getWithReference(TableSpec spec) {
    return get(spec, true);
  }

  private synchronized CachedTable get(TableSpec spec, boolean withReference) {
    requireNonNull(spec, "spec is null");
    TableIdentifier id = TableIdentifier.parse(spec.identifier());
    Path marker = dir.resolve(TableSpec.NAMESPACE).resolve(spec.tableName()).resolve(MARKER);
    if (warehouse.catalog().tableExists(id) && !Files.exists(marker)) {
      warehouse.catalog().dropTable(id, true /* purge */);
    }
    Table table;
    Properties properties;
    if (Files.exists(marker)) {
      table = warehouse.catalog().loadTable(id);
      properties = readMarker(marker);
    } else {
      long start = System.nanoTime();
      table = Fixtures.events(warehouse.catalog(), id, spec.options());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "Generated %s in %.1f s%n", spec.identifier(), seconds);
      properties = new Properties();
      properties.setProperty(GENERATION_SECONDS, Double.toString(seconds));
      writeMarker(marker, properties);
    }
    if (withReference && !properties.containsKey(REFERENCE_ROWS)) {
      CachedTable.Reference reference = readReference(table);
      System.out.printf(
          Locale.ROOT,
          "Read %s with IcebergGenerics in %.1f s%n",
          spec.identifier(),
          reference.seconds());
      properties.setProperty(REFERENCE_ROWS, Long.toString(reference.rows()));
      properties.setProperty(REFERENCE_CHECKSUM, Long.toString(reference.checksum()));
      properties.setProperty(REFERENCE_SECONDS, Double.toString(reference.seconds()));
      writeMarker(marker, properties);
    }
    return describe(spec, table, reference(properties));
  }

  @Override
  public void close() throws IOException {
    warehouse.close();
  }

  private CachedTable describe(
      TableSpec spec, Table table, Optional<CachedTable.Reference> reference) {
    long dataBytes = 0;
    int dataFiles = 0;
    long deleteBytes = 0;
    Set<String> deletes = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        dataBytes += task.file().fileSizeInBytes();
        dataFiles += 1;
        for (DeleteFile delete : task.deletes()) {
          // A DV is a blob of a shared Puffin file: count each blob once by its offset.
          if (deletes.add(delete.location() + "@" + delete.contentOffset())) {
            deleteBytes +=
                delete.contentSizeInBytes() != null
                    ? delete.contentSizeInBytes()
                    : delete.fileSizeInBytes();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan table " + spec.identifier(), e);
    }
    Map<String, String> summary = table.currentSnapshot().summary();
    long metadataRows =
        Long.parseLong(summary.get("total-records"))
            - Long.parseLong(summary.getOrDefault("total-position-deletes", "0"));
    return new CachedTable(spec, dir, dataBytes, dataFiles, deleteBytes, metadataRows, reference);
  }

  /** Iceberg's own row reader, streamed (never collected): the independent count and checksum. */
  static CachedTable.Reference readReference(Table table) {
    long start = System.nanoTime();
    List<String> columns = table.schema().columns().stream().map(Types.NestedField::name).toList();
    RowChecksum checksum = new RowChecksum();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        checksum.add(record, columns);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read table " + table.name(), e);
    }
    return new CachedTable.Reference(
        checksum.rows(), checksum.value(), (System.nanoTime() - start) / 1e9);
  }

  private static void writeMarker(Path marker, Properties properties) {
    try (Writer out = Files.newBufferedWriter(marker, StandardCharsets.UTF_8)) {
      properties.store(out, "Written by TableCache when the table was complete");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + marker, e);
    }
  }

  private static Properties readMarker(Path marker) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + marker, e);
    }
    return properties;
  }

  private static Optional<CachedTable.Reference> reference(Properties properties) {
    if (!properties.containsKey(REFERENCE_ROWS)) {
      return Optional.empty();
    }
    return Optional.of(
        new CachedTable.Reference(
            Long.parseLong(properties.getProperty(REFERENCE_ROWS)),
            Long.parseLong(properties.getProperty(REFERENCE_CHECKSUM)),
            Double.parseDouble(properties.getProperty(REFERENCE_SECONDS))));
  }
}
