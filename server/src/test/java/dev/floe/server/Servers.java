package dev.floe.server;

import dev.floe.cli.CatalogOptions;
import dev.floe.cli.catalog.CatalogConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.memory.BufferAllocator;

/** Servers and clients of the tests: loopback, ephemeral ports. */
final class Servers {
  private Servers() {}

  /** Options for a test server: loopback, any free Flight and HTTP ports. */
  static ServerOptions options() {
    return ServerOptions.defaults().withPorts(0, 0);
  }

  /** The embedded SQLite catalog of {@code warehouse} (which need not exist for metadata files). */
  static CatalogConfig catalog(Path warehouse) {
    return CatalogOptions.resolve(null, Map.of("warehouse", warehouse.toString()));
  }

  static FloeServer start(ServerOptions options, Path warehouse) throws Exception {
    return FloeServer.start(options, catalog(warehouse), OracleTable.prefixes());
  }

  static FlightClient client(BufferAllocator allocator, FloeServer server) {
    return FlightClient.builder(allocator, server.location()).build();
  }

  /** Names of the live threads that start with {@code prefix}. */
  static Set<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .collect(Collectors.toSet());
  }
}
