package dev.floe.spark;

import static java.util.Objects.requireNonNull;

import dev.floe.io.MetadataTables;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.Table;

/**
 * How a Spark executor gets its own handle of the table a split was planned from. An Iceberg {@link
 * Table} is not serializable; a source is, and travels with the tasks. Each task loads the table
 * once, when it opens its first split.
 */
public interface TableSource extends Serializable {
  /** Loads the table; called on the executor, once per task. */
  Table load();

  /**
   * The table described by one metadata JSON file, read through Iceberg's {@code HadoopFileIO}
   * (local files, HDFS, {@code s3a://}, ... as the executor's Hadoop configuration allows). The
   * table is read-only and frozen at that metadata version, which is all a split needs.
   */
  static TableSource metadataFile(String metadataLocation) {
    return metadataFile(metadataLocation, Map.of());
  }

  /**
   * The table described by one metadata JSON file, every location rewritten by the first matching
   * FROM → TO prefix (a table copied off its object store): see {@link
   * dev.floe.io.PrefixMappingFileIO}. Pass a {@link LinkedHashMap} when more than one prefix could
   * match.
   */
  static TableSource metadataFile(String metadataLocation, Map<String, String> prefixes) {
    return new MetadataFile(metadataLocation, prefixes);
  }

  /**
   * A serializable copy of {@code table} ({@link SerializableTable}), with the table's own {@code
   * FileIO} (S3FileIO, GCSFileIO, ... with its credentials), as Iceberg's own Spark integration
   * ships it: the executor reads the current metadata file of the table as it is now.
   */
  static TableSource of(Table table) {
    return new Copy(SerializableTable.copyOf(requireNonNull(table, "table is null")));
  }

  /** A metadata file and its prefix mapping. */
  record MetadataFile(String location, Map<String, String> prefixes) implements TableSource {
    private static final long serialVersionUID = 1L;

    public MetadataFile {
      requireNonNull(location, "location is null");
      // kept in order (the first matching prefix wins) and serializable
      prefixes =
          Collections.unmodifiableMap(
              new LinkedHashMap<>(requireNonNull(prefixes, "prefixes is null")));
    }

    @Override
    public Table load() {
      return MetadataTables.loadTable(location, prefixes);
    }
  }

  /** A table copied with its FileIO. */
  record Copy(Table table) implements TableSource {
    private static final long serialVersionUID = 1L;

    public Copy {
      requireNonNull(table, "table is null");
    }

    @Override
    public Table load() {
      return table;
    }
  }
}
