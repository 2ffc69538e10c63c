package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.fixtures.Warehouse;
import java.util.List;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Iceberg REST catalog — Iceberg's own {@code RESTCatalogServlet} and {@code
 * RESTCatalogAdapter} (the server side of the REST spec that Iceberg tests against; Maven Central
 * has it only in iceberg-core's test jar) in Jetty, backed by the test warehouse's SQLite catalog —
 * reached by the CLI through {@code CatalogUtil} with {@code type=rest}, over HTTP.
 */
class TestRestCatalog {
  private static Warehouse backend;
  private static Server server;
  private static String uri;

  @BeforeAll
  static void startServer() throws Exception {
    backend = Warehouse.sqlite(TestWarehouse.dir());
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend.catalog()))), "/*");
    server = new Server(0);
    server.setHandler(context);
    server.start();
    uri = "http://localhost:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void listsTablesWithTheTypeTakenFromTheUri() {
    Cli.Result result = Cli.run("tables", "--uri", uri);
    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            TestWarehouse.ALL_TYPES, TestWarehouse.DELETES_ORC, TestWarehouse.DELETES_V3);
  }

  @Test
  void headAndExportThroughRestProperties() throws Exception {
    Cli.Result head =
        Cli.run(
            "head", TestWarehouse.DELETES_ORC, "--catalog-type", "rest", "--uri", uri, "-n", "3");
    assertThat(head.exit()).as(head.toString()).isZero();
    assertThat(head.out()).contains("(3 rows)");

    Cli.Result export =
        Cli.run(
            "export",
            TestWarehouse.DELETES_V3,
            "-C",
            "type=rest",
            "-C",
            "uri=" + uri,
            "--format",
            "jsonl",
            "-");
    assertThat(export.exit()).as(export.toString()).isZero();
    ScanReference expected = ScanReference.of(TestWarehouse.load(TestWarehouse.DELETES_V3), s -> s);
    assertThat(export.out().lines().sorted().toList())
        .isEqualTo(expected.lines().stream().sorted().toList());
  }

  @Test
  void anUnreachableRestCatalogIsAFailure() {
    Cli.Result result = Cli.run("head", "db.t", "--uri", "http://localhost:1");
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.stderr().lines()).hasSize(1);
    assertThat(result.stderr()).startsWith("floe head: ").doesNotContain("\tat ");
    assertThat(List.of(result.stderr())).isNotEmpty();
  }
}
