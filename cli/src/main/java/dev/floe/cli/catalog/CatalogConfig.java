package dev.floe.cli.catalog;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * Iceberg catalog properties, resolved, and the catalog they build through Iceberg's own {@link
 * CatalogUtil#buildIcebergCatalog}: the property names are Iceberg's ({@code type} or {@code
 * catalog-impl}, {@code uri}, {@code warehouse}, {@code io-impl}, {@code credential}, ...), so any
 * catalog Iceberg ships whose classes are on the class path works — REST, JDBC and Hadoop here.
 *
 * <p>With neither {@code type}, {@code catalog-impl} nor {@code uri}, the catalog is the embedded
 * default: Iceberg's {@code JdbcCatalog} on the SQLite file {@code <warehouse>/catalog.db} (through
 * sqlite-jdbc), with tables under {@code <warehouse>}, {@code ./warehouse} unless told otherwise.
 * It is the catalog {@code floe demo} fills. A {@code uri} without a type names its type: {@code
 * jdbc:...} is {@code jdbc}, {@code http(s)://...} is {@code rest}.
 */
public final class CatalogConfig {
  /** The default catalog's name; JdbcCatalog keys its rows by it, so the demo must use it too. */
  public static final String DEFAULT_NAME = "floe";

  /** The default warehouse directory, relative to the working directory. */
  public static final Path DEFAULT_WAREHOUSE = Path.of("warehouse");

  /** The SQLite file of the default catalog, inside the warehouse. */
  public static final String SQLITE_FILE = "catalog.db";

  /** The catalog types Iceberg's CatalogUtil builds by name. */
  private static final List<String> TYPES =
      List.of(
          CatalogUtil.ICEBERG_CATALOG_TYPE_REST,
          CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC,
          CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP,
          CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_BIGQUERY);

  private final String name;
  private final Map<String, String> properties;
  private final Path embeddedWarehouse;

  private CatalogConfig(String name, Map<String, String> properties, Path embeddedWarehouse) {
    this.name = name;
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    this.embeddedWarehouse = embeddedWarehouse;
  }

  /**
   * Resolves catalog properties.
   *
   * @param name the catalog name, or null for {@value #DEFAULT_NAME}
   * @param properties Iceberg catalog properties, later sources already merged over earlier ones
   * @param warehouse the warehouse directory for the embedded default when {@code properties} has
   *     no {@code warehouse}; null for {@code ./warehouse}
   * @throws IllegalArgumentException if a uri's catalog type cannot be told
   */
  public static CatalogConfig resolve(String name, Map<String, String> properties, Path warehouse) {
    requireNonNull(properties, "properties is null");
    Map<String, String> resolved = new LinkedHashMap<>(properties);
    String catalogName = name == null || name.isBlank() ? DEFAULT_NAME : name;
    String type = resolved.get(CatalogUtil.ICEBERG_CATALOG_TYPE);
    String impl = resolved.get(CatalogProperties.CATALOG_IMPL);
    String uri = resolved.get(CatalogProperties.URI);
    if (type == null && impl == null && uri == null) {
      Path dir =
          resolved.containsKey(CatalogProperties.WAREHOUSE_LOCATION)
              ? Path.of(resolved.get(CatalogProperties.WAREHOUSE_LOCATION))
              : warehouse == null ? DEFAULT_WAREHOUSE : warehouse;
      Path root = dir.toAbsolutePath().normalize();
      resolved.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC);
      resolved.put(CatalogProperties.URI, "jdbc:sqlite:" + root.resolve(SQLITE_FILE));
      resolved.put(CatalogProperties.WAREHOUSE_LOCATION, root.toString());
      // V1 adds JdbcCatalog's view columns (and silences its warning); same as the demo's.
      resolved.putIfAbsent("jdbc.schema-version", "V1");
      resolved.putIfAbsent(CatalogProperties.CLIENT_POOL_SIZE, "1");
      return new CatalogConfig(catalogName, resolved, root);
    }
    if (type == null && impl == null) {
      String lower = uri.toLowerCase(Locale.ROOT);
      if (lower.startsWith("jdbc:")) {
        resolved.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC);
      } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
        resolved.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_REST);
      } else {
        throw new IllegalArgumentException(
            "Invalid catalog configuration: cannot tell the catalog type of uri "
                + uri
                + "; set type (rest, jdbc, hadoop, ...) or catalog-impl");
      }
    }
    requireWhatTheTypeNeeds(resolved);
    String warehouseNow = resolved.get(CatalogProperties.WAREHOUSE_LOCATION);
    if (CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP.equals(
            resolved.get(CatalogUtil.ICEBERG_CATALOG_TYPE))
        && warehouseNow != null
        && !hasScheme(warehouseNow)) {
      resolved.put(
          CatalogProperties.WAREHOUSE_LOCATION,
          Path.of(warehouseNow).toAbsolutePath().normalize().toString());
    }
    String uriNow = resolved.get(CatalogProperties.URI);
    if (uriNow != null && uriNow.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:")) {
      // SQLite allows one writer at a time; one pooled connection avoids SQLITE_BUSY.
      resolved.putIfAbsent(CatalogProperties.CLIENT_POOL_SIZE, "1");
    }
    return new CatalogConfig(catalogName, resolved, null);
  }

  /**
   * Checks what Iceberg would otherwise reject only when building the catalog, with a message about
   * its own internals ("Unknown catalog type", "warehousePath must not be null"): the type is one
   * Iceberg knows, and JDBC and Hadoop catalogs have the warehouse they need.
   */
  private static void requireWhatTheTypeNeeds(Map<String, String> properties) {
    String type = properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE);
    if (type == null || properties.containsKey(CatalogProperties.CATALOG_IMPL)) {
      return;
    }
    String lower = type.toLowerCase(Locale.ROOT);
    if (!TYPES.contains(lower)) {
      throw new IllegalArgumentException(
          "Invalid catalog type: "
              + type
              + ", expected one of "
              + String.join(", ", TYPES)
              + " (or set catalog-impl to a Catalog class)");
    }
    boolean jdbc = lower.equals(CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC);
    if (jdbc && isBlank(properties.get(CatalogProperties.URI))) {
      throw new IllegalArgumentException(
          "Invalid catalog configuration: a jdbc catalog needs a database; pass --uri"
              + " jdbc:... (or -C uri=...)");
    }
    if ((jdbc || lower.equals(CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP))
        && isBlank(properties.get(CatalogProperties.WAREHOUSE_LOCATION))) {
      throw new IllegalArgumentException(
          "Invalid catalog configuration: a "
              + lower
              + " catalog needs a warehouse location for its tables; pass --warehouse DIR (or -C"
              + " warehouse=...)");
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /** Whether a location names its file system ({@code s3://b/k}, {@code file:/x}). */
  static boolean hasScheme(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*");
  }

  public String name() {
    return name;
  }

  /** The properties handed to {@link CatalogUtil#buildIcebergCatalog}. */
  public Map<String, String> properties() {
    return properties;
  }

  /** Whether this is the embedded SQLite default. */
  public boolean isEmbedded() {
    return embeddedWarehouse != null;
  }

  /** The embedded default's SQLite file; only for {@link #isEmbedded()} configurations. */
  public Path sqliteFile() {
    if (embeddedWarehouse == null) {
      throw new IllegalStateException("Not the embedded catalog");
    }
    return embeddedWarehouse.resolve(SQLITE_FILE);
  }

  /**
   * Builds the catalog with Iceberg's {@link CatalogUtil}. For the embedded default, the SQLite
   * file must exist unless {@code create} is set: reading commands should not leave an empty
   * warehouse behind in whatever directory they ran in.
   *
   * @throws IllegalStateException if the embedded catalog does not exist and {@code create} is off
   */
  public Catalog open(boolean create) {
    if (isEmbedded() && !create && !Files.exists(sqliteFile())) {
      throw new IllegalStateException(
          "Cannot open the default catalog: "
              + sqliteFile()
              + " does not exist; run 'floe demo' to create it, or configure a catalog with"
              + " --catalog-config, --uri or -C type=...");
    }
    if (isEmbedded()) {
      try {
        Files.createDirectories(embeddedWarehouse);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(
            "Cannot create warehouse directory " + embeddedWarehouse, e);
      }
    }
    return CatalogUtil.buildIcebergCatalog(name, properties, new Configuration());
  }

  /**
   * For a JDBC catalog under a name other than the default: that its tables are kept per catalog
   * name (JdbcCatalog keys every row by it), so the same database shows none of the tables created
   * under another name. Null otherwise.
   */
  public String perNameNote() {
    String type = properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE);
    if (name.equals(DEFAULT_NAME)
        || properties.containsKey(CatalogProperties.CATALOG_IMPL)
        || !CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC.equalsIgnoreCase(type)) {
      return null;
    }
    return "a JDBC catalog keeps its tables per catalog name, and this is catalog '"
        + name
        + "'; tables created under the default name are seen with --catalog-name "
        + DEFAULT_NAME
        + " (or without --catalog-name)";
  }

  /** What the catalog is, for messages; secrets ({@code credential}, tokens, passwords) hidden. */
  public String describe() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach((key, value) -> shown.put(key, isSecret(key) ? "****" : value));
    return "catalog '" + name + "' " + shown;
  }

  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("credential")
        || lower.contains("token")
        || lower.contains("password")
        || lower.contains("secret");
  }
}
