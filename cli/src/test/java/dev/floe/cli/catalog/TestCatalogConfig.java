package dev.floe.cli.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCatalogConfig {
  @TempDir Path dir;

  @Test
  void theDefaultIsTheEmbeddedSqliteCatalog() {
    CatalogConfig config = CatalogConfig.resolve(null, Map.of(), dir.resolve("wh"));
    Path root = dir.resolve("wh").toAbsolutePath();
    assertThat(config.isEmbedded()).isTrue();
    assertThat(config.name()).isEqualTo("floe");
    assertThat(config.properties())
        .containsEntry("type", "jdbc")
        .containsEntry("uri", "jdbc:sqlite:" + root.resolve("catalog.db"))
        .containsEntry("warehouse", root.toString())
        .containsEntry("jdbc.schema-version", "V1")
        .containsEntry("clients", "1");
    assertThat(CatalogConfig.resolve(null, Map.of(), null).sqliteFile())
        .isEqualTo(Path.of("warehouse/catalog.db").toAbsolutePath());
  }

  @Test
  void theEmbeddedCatalogIsCreatedOnlyWhenAsked() throws Exception {
    CatalogConfig config = CatalogConfig.resolve(null, Map.of(), dir.resolve("wh"));
    assertThatThrownBy(() -> config.open(false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("floe demo");
    Catalog catalog = config.open(true);
    try {
      assertThat(catalog).isInstanceOf(JdbcCatalog.class);
      assertThat(config.sqliteFile()).exists();
    } finally {
      ((AutoCloseable) catalog).close();
    }
  }

  @Test
  void aUriNamesItsType() {
    assertThat(
            CatalogConfig.resolve(null, Map.of("uri", "https://cat.example/api"), null)
                .properties())
        .containsEntry("type", "rest");
    assertThat(
            CatalogConfig.resolve(
                    null, Map.of("uri", "jdbc:sqlite:/tmp/x.db", "warehouse", "/tmp/wh"), null)
                .properties())
        .containsEntry("type", "jdbc")
        .containsEntry("clients", "1");
    assertThatThrownBy(() -> CatalogConfig.resolve(null, Map.of("uri", "thrift://hms:9083"), null))
        .hasMessageContaining("set type");
  }

  @Test
  void aTypeMustBeKnownAndHaveWhatItNeeds() {
    assertThatThrownBy(() -> CatalogConfig.resolve(null, Map.of("type", "nosuch"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid catalog type: nosuch, expected one of rest, jdbc, hadoop");
    assertThatThrownBy(
            () -> CatalogConfig.resolve(null, Map.of("uri", "jdbc:sqlite:/tmp/x.db"), null))
        .hasMessageContaining("a jdbc catalog needs a warehouse location")
        .hasMessageContaining("pass --warehouse DIR");
    assertThatThrownBy(() -> CatalogConfig.resolve(null, Map.of("type", "JDBC"), null))
        .hasMessageContaining("pass --uri jdbc:");
    assertThatThrownBy(() -> CatalogConfig.resolve(null, Map.of("type", "hadoop"), null))
        .hasMessageContaining("a hadoop catalog needs a warehouse location");
    // a catalog class of one's own is Iceberg's to check
    assertThat(
            CatalogConfig.resolve(
                    null, Map.of("type", "nosuch", "catalog-impl", "com.example.MyCatalog"), null)
                .properties())
        .containsEntry("catalog-impl", "com.example.MyCatalog");
  }

  /**
   * The REST configuration reaches Iceberg's CatalogUtil, which builds a RESTCatalog; it fails only
   * when it contacts the server (TestRestCatalog talks to a real one).
   */
  @Test
  void restPropertiesBuildARestCatalog() {
    CatalogConfig config =
        CatalogConfig.resolve(
            "prod",
            Map.of("type", "rest", "uri", "http://localhost:1", "credential", "id:secret"),
            null);
    assertThat(config.describe()).contains("credential=****").doesNotContain("secret");
    assertThatThrownBy(() -> config.open(false))
        .hasStackTraceContaining(RESTCatalog.class.getSimpleName());
  }

  @Test
  void hadoopWarehousesAreMadeAbsolute() {
    CatalogConfig config =
        CatalogConfig.resolve(null, Map.of("type", "hadoop", "warehouse", "rel/wh"), null);
    assertThat(config.properties())
        .containsEntry("warehouse", Path.of("rel/wh").toAbsolutePath().normalize().toString());
    assertThat(
            CatalogConfig.resolve(null, Map.of("type", "hadoop", "warehouse", "s3://b/wh"), null)
                .properties())
        .containsEntry("warehouse", "s3://b/wh");
  }
}
