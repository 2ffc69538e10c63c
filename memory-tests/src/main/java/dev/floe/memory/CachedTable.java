package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A generated table in the {@link TableCache}, with the figures the tests check reads against.
 *
 * @param spec what was generated
 * @param warehouse the Hadoop-catalog warehouse directory holding it
 * @param dataBytes total size of its data files on disk (delete files excluded)
 * @param dataFiles number of data files
 * @param deleteBytes total size of its delete files
 * @param metadataRows live rows by the snapshot summary: total records minus position deletes
 * @param reference rows and checksum of the live rows as Iceberg's own {@code IcebergGenerics}
 *     reads them, if they were asked for (reading a large table row by row takes minutes)
 */
public record CachedTable(
    TableSpec spec,
    Path warehouse,
    long dataBytes,
    int dataFiles,
    long deleteBytes,
    long metadataRows,
    Optional<Reference> reference) {

  /** Rows and checksum of the live rows, as an independent reader sees them. */
  public record Reference(long rows, long checksum, double seconds) {}

  public CachedTable {
    requireNonNull(spec, "spec is null");
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(reference, "reference is null");
  }

  public String identifier() {
    return spec.identifier();
  }

  public double dataMib() {
    return dataBytes / (1024.0 * 1024.0);
  }
}
