package dev.floe.cli;

import dev.floe.cli.catalog.CatalogConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Option;

/**
 * The catalog options every table command shares. Property names are Iceberg's; later sources win:
 * the properties file, then {@code -C key=value}, then the dedicated flags.
 */
public final class CatalogOptions {
  @Option(
      names = "--catalog-config",
      paramLabel = "FILE",
      defaultValue = "${env:FLOE_CATALOG_CONFIG}",
      description =
          "Iceberg catalog properties file (type, uri, warehouse, catalog-impl, io-impl, ...)."
              + " Default: $FLOE_CATALOG_CONFIG if set.")
  Path configFile;

  @Option(
      names = {"-C", "--catalog-property"},
      paramLabel = "KEY=VALUE",
      description = "An Iceberg catalog property, e.g. -C type=rest -C uri=http://localhost:8181.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--catalog-type",
      paramLabel = "TYPE",
      description = "Catalog type: rest, jdbc, hadoop (Iceberg's 'type' property).")
  String type;

  @Option(
      names = "--uri",
      paramLabel = "URI",
      description = "Catalog uri: http(s)://... (REST) or jdbc:... (JDBC).")
  String uri;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      description =
          "Warehouse location. Without a catalog type or uri: the embedded SQLite catalog"
              + " DIR/catalog.db (default: ./warehouse).")
  String warehouse;

  @Option(
      names = "--catalog-name",
      paramLabel = "NAME",
      description = "Catalog name (default: " + CatalogConfig.DEFAULT_NAME + ").")
  String name;

  /** The catalog these options describe: the properties file, then -C, then the flags. */
  public CatalogConfig config() {
    Map<String, String> merged = new LinkedHashMap<>(fileProperties());
    merged.putAll(properties);
    if (type != null) {
      merged.put(CatalogUtil.ICEBERG_CATALOG_TYPE, type);
    }
    if (uri != null) {
      merged.put(CatalogProperties.URI, uri);
    }
    if (warehouse != null) {
      merged.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse);
    }
    return resolve(name, merged);
  }

  /** Builds the catalog; a missing embedded catalog is a usage error, not a failure. */
  Catalog open() {
    return open(config());
  }

  /**
   * Resolves Iceberg catalog properties as the commands do: none at all is the embedded SQLite
   * catalog of {@code ./warehouse}.
   *
   * @param name the catalog name, or null for the default
   * @throws UsageException if the properties do not tell a catalog
   */
  public static CatalogConfig resolve(String name, Map<String, String> properties) {
    try {
      return CatalogConfig.resolve(name, properties, null);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  /** Builds the catalog; a missing embedded catalog is a usage error, not a failure. */
  public static Catalog open(CatalogConfig config) {
    try {
      return config.open(false);
    } catch (IllegalStateException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private Map<String, String> fileProperties() {
    if (configFile == null) {
      return Map.of();
    }
    Properties loaded = new Properties();
    try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
      loaded.load(reader);
    } catch (NoSuchFileException e) {
      throw new UsageException("Cannot read catalog config " + configFile + ": no such file");
    } catch (IOException e) {
      throw new UsageException("Cannot read catalog config " + configFile + ": " + e, e);
    }
    Map<String, String> result = new LinkedHashMap<>();
    loaded.stringPropertyNames().forEach(key -> result.put(key, loaded.getProperty(key).trim()));
    return result;
  }
}
