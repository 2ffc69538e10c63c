package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What one child JVM does: read table {@code table} (namespace.name) of the Hadoop-catalog
 * warehouse at {@code warehouse} with {@code mode}, in batches of {@code batchSize} rows where the
 * mode uses batches, from a {@code RootAllocator} capped at {@code allocatorLimitBytes}.
 */
public record ReadRequest(
    Path warehouse, String table, ReadMode mode, int batchSize, long allocatorLimitBytes) {

  public ReadRequest {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(table, "table is null");
    requireNonNull(mode, "mode is null");
    if (batchSize < 1) {
      throw new IllegalArgumentException("Invalid batch size: " + batchSize + ", expected >= 1");
    }
    if (allocatorLimitBytes < 1) {
      throw new IllegalArgumentException(
          "Invalid allocator limit: " + allocatorLimitBytes + ", expected >= 1");
    }
  }

  /** The child's command-line arguments. */
  List<String> toArgs() {
    return List.of(
        warehouse.toString(),
        table,
        mode.name(),
        Integer.toString(batchSize),
        Long.toString(allocatorLimitBytes));
  }

  /** Parses {@link #toArgs()}. */
  static ReadRequest fromArgs(String[] args) {
    if (args.length != 5) {
      throw new IllegalArgumentException(
          "Invalid arguments: "
              + List.of(args)
              + ", expected <warehouse> <namespace.table> <mode> <batch size> <allocator limit>");
    }
    return new ReadRequest(
        Path.of(args[0]),
        args[1],
        ReadMode.valueOf(args[2]),
        Integer.parseInt(args[3]),
        Long.parseLong(args[4]));
  }
}
