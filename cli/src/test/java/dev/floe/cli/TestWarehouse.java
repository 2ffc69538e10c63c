package dev.floe.cli;

import dev.floe.fixtures.FixtureOptions;
import dev.floe.fixtures.Fixtures;
import dev.floe.fixtures.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One SQLite-catalog warehouse (Iceberg's JdbcCatalog on a real SQLite file, the CLI's default
 * catalog) with small fixture tables, created once per test JVM and shared read-only by the test
 * classes. Tests that change a table make their own.
 */
final class TestWarehouse {
  /** One column of every primitive type, edge values in the first rows; Parquet. */
  static final String ALL_TYPES = "db.all_types";

  /** Position and equality deletes, a null partition; ORC. */
  static final String DELETES_ORC = "db.deletes_orc";

  /** The same in Parquet, with deletion vectors (format v3). */
  static final String DELETES_V3 = "db.deletes_v3";

  private static Path dir;

  private TestWarehouse() {}

  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path created = Files.createTempDirectory("floe-cli-warehouse");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
        try (Warehouse warehouse = Warehouse.sqlite(created)) {
          FixtureOptions options = FixtureOptions.defaults().withRowGroupBytes(16 * 1024);
          Fixtures.allTypes(warehouse.catalog(), id(ALL_TYPES), options.withRows(1_500));
          Fixtures.deletes(
              warehouse.catalog(),
              id(DELETES_ORC),
              options.withRows(3_000).withFormat(FileFormat.ORC));
          Fixtures.deletes(
              warehouse.catalog(), id(DELETES_V3), options.withRows(2_000).withFormatVersion(3));
        }
        dir = created;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** The CLI arguments that select this warehouse's catalog. */
  static String[] catalogArgs() {
    return new String[] {"--warehouse", dir().toString()};
  }

  static Table load(String name) {
    try (Warehouse warehouse = Warehouse.sqlite(dir())) {
      return warehouse.catalog().loadTable(id(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TableIdentifier id(String name) {
    return TableIdentifier.parse(name);
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort, at exit
    }
  }
}
