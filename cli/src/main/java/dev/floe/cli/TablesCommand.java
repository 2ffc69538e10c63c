package dev.floe.cli;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Lists a catalog's tables, one identifier per line. */
@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "List the tables of the catalog (or of one namespace), one per line.",
    footer = {
      "",
      "Examples:",
      "  floe tables",
      "  floe tables --uri http://localhost:8181 analytics"
    })
public final class TablesCommand implements Callable<Integer> {
  @ParentCommand Floe floe;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAMESPACE",
      description = "Only this namespace (and the namespaces inside it).")
  String namespace;

  @Mixin CatalogOptions catalog;

  @Override
  public Integer call() throws Exception {
    Catalog opened = catalog.open();
    try {
      Namespace root = namespace == null ? Namespace.empty() : Namespace.of(namespace.split("\\."));
      List<TableIdentifier> found = new ArrayList<>();
      collect(opened, root, found);
      found.sort((a, b) -> a.toString().compareTo(b.toString()));
      found.forEach(id -> floe.io().out().println(id));
      if (found.isEmpty()) {
        String note = catalog.config().perNameNote();
        if (note != null) {
          floe.io().err().println("floe tables: note: no tables; " + note);
        }
      }
    } finally {
      if (opened instanceof Closeable closeable) {
        closeable.close();
      }
    }
    return Floe.OK;
  }

  /** Every table of the catalog under {@code namespace} (empty: all), sorted by name. */
  public static List<TableIdentifier> list(Catalog catalog, Namespace namespace) {
    List<TableIdentifier> found = new ArrayList<>();
    collect(catalog, namespace, found);
    found.sort((a, b) -> a.toString().compareTo(b.toString()));
    return found;
  }

  private static void collect(Catalog catalog, Namespace namespace, List<TableIdentifier> found) {
    if (!namespace.isEmpty()) {
      found.addAll(catalog.listTables(namespace));
    }
    if (catalog instanceof SupportsNamespaces namespaces) {
      for (Namespace child : namespaces.listNamespaces(namespace)) {
        collect(catalog, child, found);
      }
    } else if (namespace.isEmpty()) {
      throw new UsageException(
          "Cannot list namespaces of catalog " + catalog.name() + "; name a namespace");
    }
  }
}
