package dev.floe.io;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;

/**
 * Opens a table from one metadata JSON file, without a catalog. The table is read-only (committing
 * fails) and frozen at that metadata version, which is what reading a copied or archived table
 * needs.
 */
public final class MetadataTables {
  private MetadataTables() {}

  /**
   * Loads the table described by {@code metadataLocation}, reading every file, the metadata file
   * included, through a {@link PrefixMappingFileIO} with {@code prefixes}. The location may be the
   * original one recorded in the metadata or an already mapped one.
   */
  public static Table loadTable(String metadataLocation, Map<String, String> prefixes) {
    return loadTable(metadataLocation, new PrefixMappingFileIO(prefixes));
  }

  /**
   * Loads the table described by {@code metadataLocation}, reading every file through {@code io}.
   */
  public static Table loadTable(String metadataLocation, FileIO io) {
    requireNonNull(metadataLocation, "metadataLocation is null");
    requireNonNull(io, "io is null");
    StaticTableOperations ops = new StaticTableOperations(metadataLocation, io);
    // Fail here, with the location in the message, rather than on first use of the table.
    ops.current();
    return new BaseTable(ops, metadataLocation);
  }
}
