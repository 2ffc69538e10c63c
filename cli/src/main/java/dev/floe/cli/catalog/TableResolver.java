package dev.floe.cli.catalog;

import static java.util.Objects.requireNonNull;

import dev.floe.io.MetadataTables;
import dev.floe.io.PrefixMappingFileIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;

/**
 * Tables named by their metadata file rather than a catalog: {@code path/to/v3.metadata.json}, or a
 * Hadoop-style table directory whose {@code metadata/version-hint.text} names the current version.
 * With location prefix mappings ({@code --rewrite-prefix FROM=TO}) every file the metadata names is
 * read from its rewritten location, which is how a table copied off its object store (or the
 * Spark-written oracle tables) is read in place.
 */
public final class TableResolver {
  private TableResolver() {}

  /** Whether {@code reference} names a metadata file or table directory, not an identifier. */
  public static boolean isLocation(String reference) {
    requireNonNull(reference, "reference is null");
    return reference.endsWith(".json")
        || reference.endsWith(".json.gz")
        || reference.contains("/")
        || reference.contains("\\")
        || CatalogConfig.hasScheme(reference);
  }

  /**
   * Loads the table whose metadata {@code reference} names, read-only.
   *
   * @param prefixes FROM → TO location prefixes, tried in order; relative local TOs are made
   *     absolute
   */
  public static Table load(String reference, Map<String, String> prefixes) {
    Map<String, String> mapping = absolutePrefixes(prefixes);
    String location = metadataLocation(reference);
    return MetadataTables.loadTable(location, mapping);
  }

  /**
   * The same table, reading every file through a prefix mapping on top of its own {@code FileIO};
   * the table is read-only and frozen at its current metadata.
   */
  public static Table withPrefixes(Table table, Map<String, String> prefixes) {
    if (prefixes.isEmpty()) {
      return table;
    }
    if (!(table instanceof HasTableOperations operations)) {
      throw new IllegalArgumentException(
          "Cannot rewrite location prefixes of table " + table.name() + ": no metadata file");
    }
    String location = operations.operations().current().metadataFileLocation();
    return MetadataTables.loadTable(
        location, new PrefixMappingFileIO(table.io(), absolutePrefixes(prefixes)));
  }

  private static Map<String, String> absolutePrefixes(Map<String, String> prefixes) {
    Map<String, String> mapping = new LinkedHashMap<>();
    prefixes.forEach((from, to) -> mapping.put(from, local(to)));
    return mapping;
  }

  private static String local(String location) {
    return CatalogConfig.hasScheme(location)
        ? location
        : Path.of(location).toAbsolutePath().normalize().toString();
  }

  private static String metadataLocation(String reference) {
    if (CatalogConfig.hasScheme(reference) && !reference.startsWith("file:")) {
      return reference;
    }
    Path path = Path.of(reference.startsWith("file:") ? reference.substring(5) : reference);
    if (Files.isDirectory(path)) {
      return currentVersion(path);
    }
    // a path that does not exist here may still exist once a prefix maps it
    return Files.exists(path) ? path.toAbsolutePath().normalize().toString() : reference;
  }

  /** The current metadata file of a Hadoop-catalog table directory. */
  private static String currentVersion(Path tableDir) {
    Path metadata = tableDir.resolve("metadata");
    Path hint = metadata.resolve("version-hint.text");
    if (!Files.exists(hint)) {
      throw new IllegalArgumentException(
          "Cannot find the current metadata of "
              + tableDir
              + ": no metadata/version-hint.text; name the metadata file instead");
    }
    try {
      String version = Files.readString(hint, StandardCharsets.UTF_8).trim();
      Path file = metadata.resolve("v" + Integer.parseInt(version) + ".metadata.json");
      return file.toAbsolutePath().normalize().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + hint, e);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid version hint in " + hint, e);
    }
  }
}
